import type { BrokerOverview } from '../../../shared/contract'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import type { BrokerConnectionManager, BrokerSession } from './connection'
import { discardDeadLetters, listDeadLetters, retryDeadLetters } from './dead-letters'
import type { EndpointsSource } from './endpoints'
import { ManagementClient } from './management'
import { RateHistory } from './rate-history'
import { errorMessage } from '../../../shared/error-message'

type BrokerChannels = Pick<
  ChannelHandlers,
  | 'broker:reconnect'
  | 'broker:rate-history'
  | 'broker:dead-letters'
  | 'broker:dead-letters-retry'
  | 'broker:dead-letters-discard'
>
type BrokerEvents = Pick<EventHandlers, 'broker:changed' | 'broker:overview-live'>

export interface BrokerDeps {
  manager: BrokerConnectionManager
  endpoints: EndpointsSource
}

export function brokerHandlers({ manager, endpoints }: BrokerDeps): {
  channels: BrokerChannels
  events: BrokerEvents
} {
  const session = (): BrokerSession => {
    const current = manager.session
    if (current === undefined) throw manager.notConnected()
    return current
  }
  const rates = new RateHistory()
  const overview = async (): Promise<BrokerOverview> => {
    try {
      const { managementUrl } = await endpoints()
      const result = await new ManagementClient(managementUrl).overview()
      rates.record(result)
      return result
    } catch (error) {
      return {
        state: 'unavailable',
        fetchedAt: Date.now(),
        error: errorMessage(error),
      }
    }
  }

  return {
    channels: {
      'broker:reconnect': () => manager.reconnectNow(),
      'broker:rate-history': () => rates.snapshot(),
      'broker:dead-letters': ({ limit }) => listDeadLetters(session(), limit),
      'broker:dead-letters-retry': ({ keys }) => retryDeadLetters(session(), keys),
      'broker:dead-letters-discard': ({ keys }) => discardDeadLetters(session(), keys),
    },
    events: {
      'broker:changed': (_input, sink) =>
        new Promise<void>((resolve) => {
          sink.emit(manager.state)
          const stop = manager.onChange((status) => sink.emit(status))
          sink.signal.addEventListener('abort', () => {
            stop()
            resolve()
          })
        }),
      'broker:overview-live': async ({ intervalMs }, sink) => {
        while (!sink.signal.aborted) {
          sink.emit(await overview())
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, intervalMs)
            sink.signal.addEventListener('abort', () => {
              clearTimeout(timer)
              resolve()
            })
          })
        }
      },
    },
  }
}
