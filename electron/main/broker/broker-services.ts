import type { BackoffOptions } from '../../../shared/backoff'
import { brokerHandlers } from './broker-handlers'
import { BrokerConnectionManager } from './connection'
import type { EndpointsSource } from './endpoints'
import { startAppSubscription, type ConsumedMail } from './subscription'

export interface BrokerServicesOptions {
  endpoints: EndpointsSource
  /** Handles one consumed message durably; it is acknowledged once this resolves. */
  onMail: (mail: ConsumedMail) => Promise<void>
  reconnectBackoff?: BackoffOptions
  log?: (message: string, error?: unknown) => void
}

/** The app's broker connection, its mail subscription and the Broker panel's channels. */
export function createBrokerServices(options: BrokerServicesOptions) {
  const log = options.log === undefined ? {} : { log: options.log }
  const manager: BrokerConnectionManager = new BrokerConnectionManager({
    endpoints: options.endpoints,
    connectionName: `maildock-app@${process.pid}`,
    ...(options.reconnectBackoff === undefined ? {} : { backoff: options.reconnectBackoff }),
    ...log,
    onSession: (session) => startAppSubscription(session, manager, options.onMail, log),
  })
  return { manager, ...brokerHandlers({ manager, endpoints: options.endpoints }) }
}
