import { describe, expect, it } from 'vitest'
import { createLineLog } from './log-lines'

describe('createLineLog', () => {
  it('writes the lines of one event-loop turn in one write, each a JSON object with its time', async () => {
    const writes: string[] = []
    const lines = createLineLog((text) => writes.push(text))
    lines.log({ msg: 'message stored', id: 'a' })
    lines.log({ msg: 'message stored', id: 'b' })
    expect(writes).toEqual([])
    await new Promise((resolve) => setImmediate(resolve))
    expect(writes).toHaveLength(1)
    const parsed = writes[0]!
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>)
    expect(parsed.map((line) => line.id)).toEqual(['a', 'b'])
    expect(Number.isNaN(Date.parse(String(parsed[0]!.time)))).toBe(false)
  })

  it('flush writes what is gathered at once (before an exit)', () => {
    const writes: string[] = []
    const lines = createLineLog((text) => writes.push(text))
    lines.log({ msg: 'stopping' })
    lines.flush()
    expect(writes).toHaveLength(1)
    lines.flush()
    expect(writes).toHaveLength(1)
  })
})
