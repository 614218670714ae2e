import type Docker from 'dockerode'
import { MaildockError } from '../../../shared/contract'
import { engineMessage, toMaildockError } from '../docker'

const status = (error: unknown): number | undefined => (error as { statusCode?: number }).statusCode

const PORT_TAKEN =
  /(?:Bind for ([\d.]+:\d+) failed: port is already allocated|listen tcp\d?\s+([\d.]+:\d+): bind: address already in use)/i

/** Engine failures of create/start in the words a user needs. */
export function explainStartFailure(error: unknown, name: string): MaildockError {
  const message = engineMessage(error)
  const port = PORT_TAKEN.exec(message)
  if (port) {
    const address = port[1] ?? port[2] ?? 'a port'
    return new MaildockError(
      'CONFLICT',
      `${name} could not start: ${address} is already in use by another program. Stop it, or choose another port in the stack settings.`,
      { engineMessage: message },
    )
  }
  const cause = toMaildockError(error)
  if (cause.code === 'ENGINE_UNREACHABLE') return cause
  return new MaildockError(cause.code, `${name} could not start: ${cause.message}`, cause.details)
}

export async function createContainer(
  docker: Docker,
  options: Docker.ContainerCreateOptions,
): Promise<string> {
  try {
    return (await docker.createContainer(options)).id
  } catch (error) {
    if (status(error) === 409) {
      throw new MaildockError(
        'CONFLICT',
        `A container named ${options.name ?? ''} already exists: another MailDock may be starting this stack. Try again in a moment.`,
        { engineMessage: engineMessage(error) },
      )
    }
    throw toMaildockError(error)
  }
}

/** Starts (or unpauses) a container; 304 (already running) is fine. */
export async function startContainer(docker: Docker, id: string, name: string): Promise<void> {
  const container = docker.getContainer(id)
  try {
    const info = await container.inspect()
    if (info.State.Paused) await container.unpause()
    else if (!info.State.Running) await container.start()
  } catch (error) {
    if (status(error) === 304) return
    throw explainStartFailure(error, name)
  }
}

/** Stops gracefully (the service's own time-out), then removes; gone already is fine. */
export async function removeContainer(
  docker: Docker,
  id: string,
  stopTimeoutSeconds: number,
): Promise<void> {
  const container = docker.getContainer(id)
  try {
    await container.stop({ t: stopTimeoutSeconds })
  } catch (error) {
    const code = status(error)
    if (code !== 304 && code !== 404 && code !== 409) throw toMaildockError(error)
  }
  try {
    // v: the container's anonymous volumes (RabbitMQ's data) go with it.
    await container.remove({ force: true, v: true })
  } catch (error) {
    const code = status(error)
    // 409: removal already in progress.
    if (code !== 404 && code !== 409) throw toMaildockError(error)
  }
}

export async function stopContainer(docker: Docker, id: string, timeoutSeconds: number) {
  try {
    await docker.getContainer(id).stop({ t: timeoutSeconds })
  } catch (error) {
    if (status(error) !== 304) throw toMaildockError(error)
  }
}

export async function removeNetwork(docker: Docker, id: string): Promise<void> {
  try {
    await docker.getNetwork(id).remove()
  } catch (error) {
    if (status(error) !== 404) throw toMaildockError(error)
  }
}

export async function removeVolume(docker: Docker, name: string): Promise<void> {
  try {
    await docker.getVolume(name).remove()
  } catch (error) {
    if (status(error) !== 404) throw toMaildockError(error)
  }
}
