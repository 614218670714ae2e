import { createServer } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { BrokerConnection } from '../../../shared/contract'
import { QUEUES } from '../../../shared/messages'
import { BrokerConnectionManager } from './connection'
import { redactUrl } from '../../../shared/redact-url'
import { managementUrlFor } from './endpoints'
import { appTopology } from './topology'

/** A port nothing listens on: bound, read back, released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

let manager: BrokerConnectionManager | undefined
afterEach(async () => {
  await manager?.close()
  manager = undefined
})

describe('BrokerConnectionManager without a broker', () => {
  it('reports reconnecting with the reason and the next attempt, never the password', async () => {
    const port = await closedPort()
    const states: BrokerConnection[] = []
    manager = new BrokerConnectionManager({
      endpoints: () =>
        Promise.resolve({
          apiUrl: 'http://127.0.0.1:1',
          amqpUrl: `amqp://maildock:s3cret@127.0.0.1:${port}`,
          managementUrl: 'http://127.0.0.1:1',
        }),
      backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 },
    })
    manager.onChange((state) => states.push(state))
    manager.start()
    await expect.poll(() => manager?.state.state).toBe('reconnecting')
    const state = manager.state
    expect(state.url).toBe(`amqp://maildock@127.0.0.1:${port}`)
    expect(state.error).toMatch(/^connection refused .*is the stack running\?$/)
    expect(state.attempt).toBe(1)
    expect(state.nextRetryAt! - Date.now()).toBeGreaterThan(50_000)
    expect(JSON.stringify(states)).not.toContain('s3cret')
    expect(states[0]?.state).toBe('connecting')

    // Reconnect now skips the 60 s wait: a second attempt fails at once.
    manager.reconnectNow()
    await expect.poll(() => manager?.state.attempt).toBe(2)
    await expect(manager.publish('', 'q', Buffer.from('x'))).rejects.toThrow(
      /^Not connected to the broker at amqp:\/\/maildock@127\.0\.0\.1:\d+ \(reconnecting: connection refused/,
    )
    await manager.close()
    expect(manager.state.state).toBe('stopped')
  })

  it('reports a stack that is not set up as the reason', async () => {
    manager = new BrokerConnectionManager({
      endpoints: () => Promise.reject(new Error('The stack is not set up yet')),
      backoff: { initialMs: 60_000, maxMs: 60_000, jitter: 0 },
    })
    manager.start()
    await expect.poll(() => manager?.state.error).toBe('The stack is not set up yet')
  })
})

describe('endpoints and topology helpers', () => {
  it('redacts passwords and derives the management URL', () => {
    expect(redactUrl('amqp://u:p@h:5672/vh')).toBe('amqp://u@h:5672/vh')
    expect(managementUrlFor('amqp://u:p%40ss@127.0.0.1:5672', 15672)).toBe(
      'http://u:p%40ss@127.0.0.1:15672',
    )
  })

  it("declares the app's queue and bindings but not the emailer's delay queues", () => {
    const topology = appTopology()
    const names = topology.queues.map((queue) => queue.name)
    expect(names).toEqual([QUEUES.emailer, QUEUES.logger, QUEUES.deadLetter, QUEUES.app])
    expect(topology.bindings.filter((b) => b.queue === QUEUES.app)).toHaveLength(2)
  })
})
