import { setTimeout as sleep } from 'node:timers/promises'
import { MaildockError } from '../../../shared/contract'
import { QUEUES } from '../../../shared/messages'
import { BrokerConnectionManager } from './connection'
import type { EndpointsSource } from './endpoints'
import { startAppSubscription, type MailSink } from './subscription'

export interface DrainOptions {
  endpoints: EndpointsSource
  sink: MailSink
  /** Gives up (rejects) after this long; what was stored stays stored. */
  timeoutMs?: number
  log?: (message: string, error?: unknown) => void
}

const POLL_MS = 50

/**
 * Connects once (declaring the app's topology, so its durable queue exists from now on), consumes
 * the app queue with the app's own subscription until every message it held when the connection
 * opened is stored and acknowledged, then disconnects. The CLI's catch-up when no app runs.
 */
export async function drainAppQueue(options: DrainOptions): Promise<{ stored: number }> {
  let target: number | undefined
  const manager: BrokerConnectionManager = new BrokerConnectionManager({
    endpoints: options.endpoints,
    connectionName: `maildock-cli@${process.pid}`,
    ...(options.log === undefined ? {} : { log: options.log }),
    onSession: async (session) => {
      target = (await session.channel.checkQueue(QUEUES.app)).messageCount
      await startAppSubscription(session, manager, options.sink, { reportEveryMs: POLL_MS })
    },
  })
  manager.start()
  const deadline = Date.now() + (options.timeoutMs ?? 60_000)
  try {
    for (;;) {
      const { state, error, subscription } = manager.state
      if (state === 'reconnecting' || state === 'stopped') {
        throw new MaildockError('UNAVAILABLE', `broker unreachable: ${error ?? state}`)
      }
      const handled = subscription.consumed + subscription.invalid
      if (target !== undefined && subscription.consuming && subscription.inFlight === 0) {
        if (handled >= target) return { stored: subscription.consumed }
      }
      if (Date.now() > deadline) {
        throw new MaildockError(
          'UNAVAILABLE',
          `the app's mail queue was not drained in time (${handled} of ${target ?? '?'} stored)`,
        )
      }
      await sleep(POLL_MS)
    }
  } finally {
    await manager.close()
  }
}
