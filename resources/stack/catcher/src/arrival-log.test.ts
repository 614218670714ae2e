import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Logger } from '../../common/log'
import { createArrivalLog } from './arrival-log'
import type { Entry } from './store'

function fakeLog(level: 'info' | 'debug') {
  const lines: Array<{ level: string; fields: object; msg: string }> = []
  const log = {
    isLevelEnabled: (wanted: string) => wanted === 'info' || level === 'debug',
    info: (fields: object, msg: string) => lines.push({ level: 'info', fields, msg }),
    debug: (fields: object, msg: string) => lines.push({ level: 'debug', fields, msg }),
  }
  return { log: log as unknown as Logger, lines }
}

const message = (n: number) =>
  ({
    ID: `id${n}`,
    Size: 100,
    Headers: { 'Message-Id': [`<m${n}@x>`], To: [`u${n}@example.com`] },
  }) as unknown as Entry

describe('createArrivalLog', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('logs one count per interval at info, no line per message', () => {
    const { log, lines } = fakeLog('info')
    const arrivals = createArrivalLog(log, 1_000)
    for (let n = 0; n < 5; n += 1) arrivals.stored(message(n))
    expect(lines).toEqual([])
    vi.advanceTimersByTime(1_000)
    expect(lines).toEqual([
      { level: 'info', fields: { messages: 5, bytes: 500 }, msg: 'messages stored' },
    ])
    vi.advanceTimersByTime(5_000)
    expect(lines).toHaveLength(1)
    arrivals.stored(message(5))
    vi.advanceTimersByTime(1_000)
    expect(lines[1]?.fields).toEqual({ messages: 1, bytes: 100 })
  })

  it('logs each message at debug, with its Message-ID and recipients', () => {
    const { log, lines } = fakeLog('debug')
    createArrivalLog(log, 1_000).stored(message(7))
    expect(lines).toEqual([
      {
        level: 'debug',
        fields: { id: 'id7', messageId: 'm7@x', to: ['u7@example.com'], size: 100 },
        msg: 'message stored',
      },
    ])
  })

  it('flush logs what is not yet counted, once', () => {
    const { log, lines } = fakeLog('info')
    const arrivals = createArrivalLog(log, 1_000)
    arrivals.stored(message(1))
    arrivals.flush()
    arrivals.flush()
    vi.advanceTimersByTime(2_000)
    expect(lines).toHaveLength(1)
  })
})
