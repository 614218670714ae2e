// The broker domain's public face: other rooms of main import only this file.
export type { BackoffOptions } from '../../../shared/backoff'
export { createBrokerServices } from './broker-services'
export { listDeadLetters } from './dead-letters'
export { ManagementClient } from './management'
export { type ConsumedMail } from './subscription'
export { endpointsFromEnv, type EndpointsSource, type StackEndpoints } from './endpoints'
export { drainAppQueue } from './drain'
