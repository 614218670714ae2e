import { describe, expect, it } from 'vitest'
import { appendToWindow, emptyWindow, formatLogTime } from './log-window'
import {
  formatAge,
  formatBytes,
  formatClock,
  formatPort,
  formatStamp,
  parseKeyValues,
  shortId,
} from './format'

const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ text: `line ${from + i}` }))

describe('log window', () => {
  it('keeps at most the limit, newest last, counting what it let go', () => {
    let window = emptyWindow
    for (let i = 0; i < 10; i++)
      window = appendToWindow(window, lines(i * 100, i * 100 + 100), 0, 250)
    expect(window.lines).toHaveLength(250)
    expect(window.lines[0]!.text).toBe('line 750')
    expect(window.lines.at(-1)!.text).toBe('line 999')
    expect(window.trimmed).toBe(750)
    expect(new Set(window.lines.map((l) => l.seq)).size).toBe(250)
  })

  it('marks dropped lines inline, before the batch that followed the gap', () => {
    const window = appendToWindow(
      appendToWindow(emptyWindow, lines(0, 2), 0, 100),
      lines(50, 51),
      48,
      100,
    )
    expect(window.lines.map((l) => l.kind)).toEqual(['line', 'line', 'skip', 'line'])
    expect(window.lines[2]!.text).toBe('48 lines skipped (the view fell behind)')
    expect(window.dropped).toBe(48)
  })

  it('formats engine timestamps with nanoseconds as local time with milliseconds', () => {
    expect(formatLogTime('2026-01-01T10:00:00.123456789Z')).toMatch(/^\d\d:00:00\.123$/)
    expect(formatLogTime('garbage')).toBe('garbage')
  })
})

describe('format', () => {
  it('gives times of day and full times one way, local, with milliseconds', () => {
    const at = new Date(2026, 11, 1, 9, 5, 7, 42).getTime()
    expect(formatClock(at)).toBe('09:05:07.042')
    expect(formatStamp(at)).toBe('2026-12-01 09:05:07.042')
  })

  it('says sizes, ids, ages and ports the way the docker CLI does', () => {
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(3 * 1024 * 1024)).toBe('3.0 MiB')
    expect(formatBytes(250 * 1024 ** 3)).toBe('250 GiB')
    expect(shortId('sha256:0123456789abcdef0123')).toBe('0123456789ab')
    expect(formatAge(0, 90_000)).toBe('1 min ago')
    expect(formatAge(0, 3 * 86_400_000)).toBe('3 days ago')
    expect(
      formatPort({ containerPort: 5000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5001 }),
    ).toBe('127.0.0.1:5001→5000/tcp')
    expect(formatPort({ containerPort: 53, protocol: 'udp' })).toBe('53/udp')
    expect(formatPort({ containerPort: 80, protocol: 'tcp', hostIp: '::', hostPort: 8080 })).toBe(
      '[::]:8080→80/tcp',
    )
  })

  it('parses KEY=value lines and commas', () => {
    expect(parseKeyValues('a=1\n b = two words ,flag\n\n')).toEqual({
      a: '1',
      b: 'two words',
      flag: '',
    })
  })
})
