import { endpointsFromEnv, type EndpointsSource } from '../broker'
import type { StackManager } from './manager'

/** MAILDOCK_API_URL / MAILDOCK_AMQP_URL when set (a stack run elsewhere), else the stack's own. */
export function stackEndpointsSource(env: NodeJS.ProcessEnv, stack: StackManager): EndpointsSource {
  return () => {
    const fromEnv = endpointsFromEnv(env)
    return fromEnv === undefined ? stack.endpoints() : Promise.resolve(fromEnv)
  }
}
