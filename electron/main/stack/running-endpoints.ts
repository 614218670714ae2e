import { MaildockError, type StackServiceName } from '../../../shared/contract'
import { BROKER_USER } from './credentials'
import type { ObservedStack } from './observe'
import type { StackEndpoints } from '../broker'

/** Where a running stack answers on 127.0.0.1, from its containers' published ports. */
export function runningEndpoints(
  observed: ObservedStack,
  stack: string,
  brokerPassword: string | undefined,
): StackEndpoints {
  const port = (service: StackServiceName, containerPort: number): number | null =>
    observed.containers
      .filter((c) => c.service === service && c.state === 'running')
      .flatMap((c) => c.ports)
      .find((p) => p.containerPort === containerPort)?.hostPort ?? null
  const [amqp, management, api] = [port('broker', 5672), port('broker', 15672), port('api', 3000)]
  if (amqp === null || management === null || api === null || brokerPassword === undefined) {
    throw new MaildockError(
      'UNAVAILABLE',
      `The stack ${stack} is not running: start it from the Stack panel (or \`maildock up\`).`,
    )
  }
  const auth = `${BROKER_USER}:${encodeURIComponent(brokerPassword)}@127.0.0.1`
  return {
    apiUrl: `http://127.0.0.1:${api}`,
    amqpUrl: `amqp://${auth}:${amqp}`,
    managementUrl: `http://${auth}:${management}`,
  }
}
