import { createServer } from 'node:net'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { RETRY_NOW_SIGNAL } from '../../../shared/backoff'
import { BrokerClient } from './broker'

/** A loopback port nothing listens on: every connection attempt is refused at once. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  await new Promise<void>((resolve) => server.close(() => resolve()))
  if (address === null || typeof address === 'string') throw new Error('no port')
  return address.port
}

async function until(condition: () => boolean, timeoutMs = 4_000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('BrokerClient retry now', () => {
  it('cuts a long backoff wait short on RETRY_NOW_SIGNAL, and only while not connected', async () => {
    const attempts: string[] = []
    const log = pino({ level: 'info' }, { write: (line: string) => attempts.push(line) })
    const client = new BrokerClient({
      url: `amqp://u:p@127.0.0.1:${await closedPort()}`,
      connectionName: 'retry-now-test',
      log,
      topology: { queueType: 'classic' },
      backoff: { initialMs: 600_000, maxMs: 600_000, jitter: 0 },
      bootGraceMs: 0,
    })
    const failed = () => attempts.filter((line) => line.includes('broker connection failed')).length
    try {
      client.start()
      await until(() => failed() === 1)
      // Without the signal the next attempt is ten minutes away.
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(failed()).toBe(1)
      process.emit(RETRY_NOW_SIGNAL, RETRY_NOW_SIGNAL)
      await until(() => failed() === 2)
      expect(attempts.some((line) => line.includes('"delayMs":600000'))).toBe(true)
    } finally {
      await client.close()
    }
    expect(process.listenerCount(RETRY_NOW_SIGNAL)).toBe(0)
  })
})

interface LogLine {
  level: number
  msg: string
}

describe('BrokerClient at boot', () => {
  it('logs failed attempts as waiting (info) until the grace ends, then as warnings', async () => {
    const lines: LogLine[] = []
    const log = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line) as LogLine) },
    )
    const client = new BrokerClient({
      url: `amqp://u:p@127.0.0.1:${await closedPort()}`,
      connectionName: 'boot-grace-test',
      log,
      topology: { queueType: 'classic' },
      backoff: { initialMs: 100, maxMs: 100, jitter: 0 },
      bootGraceMs: 400,
    })
    try {
      client.start()
      await until(() => lines.some((line) => line.msg === 'broker connection failed'))
    } finally {
      await client.close()
    }
    const attempts = lines.filter(
      (line) => /broker/.test(line.msg) && !/reconnecting/.test(line.msg),
    )
    const waiting = attempts.filter((line) => line.msg === 'waiting for the broker')
    expect(waiting.length).toBeGreaterThan(0)
    expect(waiting.every((line) => line.level === 30)).toBe(true)
    // Once a warning, always a warning: the grace does not come back.
    const firstWarning = attempts.findIndex((line) => line.msg === 'broker connection failed')
    expect(attempts.slice(firstWarning).every((line) => line.level === 40)).toBe(true)
  })
})
