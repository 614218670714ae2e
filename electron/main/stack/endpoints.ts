import type Docker from 'dockerode'
import { MaildockError } from '../../../shared/contract'
import { endpointsFromEnv, type EndpointsSource } from '../broker'
import type { StackManager } from './manager'
import { observeStack } from './observe'

/**
 * MAILDOCK_API_URL / MAILDOCK_AMQP_URL when set (a stack run elsewhere, with the queue type of the
 * settings, e.g. MAILDOCK_QUEUE_TYPE), else the stack's own.
 */
export function stackEndpointsSource(env: NodeJS.ProcessEnv, stack: StackManager): EndpointsSource {
  return async () => {
    const fromEnv = endpointsFromEnv(env)
    if (fromEnv === undefined) return stack.endpoints()
    const { settings } = await stack.settings.load()
    return { ...fromEnv, queueType: settings.queueType }
  }
}

/**
 * The mail catcher's API on 127.0.0.1: MAILDOCK_CATCHER_URL when set, else the stack's published
 * catcher port. A stack that delivers to a relay has no catcher: UNAVAILABLE, saying so.
 */
export function stackCatcherSource(
  env: NodeJS.ProcessEnv,
  stack: StackManager,
  docker: () => Docker,
): () => Promise<string> {
  return async () => {
    if (env.MAILDOCK_CATCHER_URL) return env.MAILDOCK_CATCHER_URL
    const { settings } = await stack.settings.load()
    if (settings.smtp.host !== '') {
      throw new MaildockError(
        'UNAVAILABLE',
        `The stack delivers to the SMTP relay ${settings.smtp.host}, so there is no mail catcher to look into (clear the relay in Settings to use the catcher)`,
      )
    }
    const observed = await observeStack(docker(), settings.stackName)
    const port = observed.containers
      .filter((c) => c.service === 'catcher' && c.state === 'running')
      .flatMap((c) => c.ports)
      .find((p) => p.containerPort === 8025)?.hostPort
    if (port === undefined || port === null) {
      throw new MaildockError(
        'UNAVAILABLE',
        `The mail catcher of the stack ${settings.stackName} is not running: start the stack (or \`maildock up\`)`,
      )
    }
    return `http://127.0.0.1:${port}`
  }
}
