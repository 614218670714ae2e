import type { QueueType } from '../../../shared/messages'
/**
 * Where the running stack can be reached from the app. The stack module fills it from its settings
 * and secrets (published ports, generated broker credentials); tests fill it from their own stack.
 */
export interface StackEndpoints {
  /** The stack's HTTP API, e.g. http://127.0.0.1:5001 */
  apiUrl: string
  /** amqp://user:password@127.0.0.1:5672 */
  amqpUrl: string
  /** The RabbitMQ management API, credentials in the URL: http://user:password@127.0.0.1:15672 */
  managementUrl: string
  /** The queue type the stack's services declare (the app must declare the same). */
  queueType?: QueueType
}

/** Read again before each connection attempt: ports and credentials may change between them. */
export type EndpointsSource = () => Promise<StackEndpoints>

/** Endpoints from environment variables, for the CLI and tests when no stack module fills them. */
export function endpointsFromEnv(env: NodeJS.ProcessEnv): StackEndpoints | undefined {
  const apiUrl = env.MAILDOCK_API_URL
  const amqpUrl = env.MAILDOCK_AMQP_URL
  if (apiUrl === undefined || amqpUrl === undefined) return undefined
  return {
    apiUrl,
    amqpUrl,
    managementUrl: env.MAILDOCK_BROKER_MANAGEMENT_URL ?? managementUrlFor(amqpUrl, 15672),
  }
}

/** The management API on the broker's host with the same credentials. */
export function managementUrlFor(amqpUrl: string, port: number): string {
  const amqp = new URL(amqpUrl)
  const url = new URL(`http://${amqp.hostname}:${port}`)
  url.username = amqp.username
  url.password = amqp.password
  return url.toString().replace(/\/$/, '')
}
