import { describe, expect, it } from 'vitest'
import { guardConsole, terminalSafe } from './terminal-safe'

describe('terminal output', () => {
  it('shows escape sequences instead of sending them to the terminal', () => {
    const retitle = '\u001b]0;owned\u0007'
    const clipboard = '\u001b]52;c;cm0gLXJmIH4=\u0007'
    expect(terminalSafe(`a ${retitle} b`)).toBe('a \\u001b]0;owned\\u0007 b')
    const shown = terminalSafe(`${clipboard}\u001b[2J\u009b2J\r`)
    expect([...shown].filter((char) => char.charCodeAt(0) < 0x20 || char >= '\u007f')).toEqual([])
    expect(terminalSafe('line\tone\nline two')).toBe('line\tone\nline two')
    expect(JSON.parse(terminalSafe(JSON.stringify({ s: 'x\u009by' })))).toEqual({ s: 'x\u009by' })
  })

  it('guards console.log and console.error, as maildock logs prints', () => {
    const printed: string[] = []
    const print = (...args: unknown[]): void => void printed.push(String(args[0]))
    const fake: Pick<Console, 'log' | 'error'> = { log: print, error: print }
    guardConsole(fake)
    fake.log('%s | %s', 'emailer', 'Subject: \u001b[2Jhi')
    fake.error('maildock: \u001b]0;x\u0007')
    expect(printed).toEqual(['emailer | Subject: \\u001b[2Jhi', 'maildock: \\u001b]0;x\\u0007'])
  })
})
