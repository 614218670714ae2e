// The broker domain's public face: other rooms of main import only this file.
export type { BackoffOptions } from '../../../shared/backoff'
export { brokerHandlers } from './broker-handlers'
export { BrokerConnectionManager } from './connection'
export { listDeadLetters } from './dead-letters'
export { ManagementClient } from './management'
export { endpointsFromEnv, type EndpointsSource, type StackEndpoints } from './endpoints'
export { startAppSubscription, type ConsumedMail } from './subscription'
export { drainAppQueue } from './drain'
