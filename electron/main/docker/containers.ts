import type Docker from 'dockerode'
import type { z } from 'zod'
import {
  MaildockError,
  type BulkResult,
  type ContainerAction,
  type ContainerDetail,
  type ContainerList,
  type containerCreateInput,
  type containerListInput,
} from '../../../shared/contract'
import { groupContainers, toContainerDetail, toContainerSummary } from './container-views'
import { engineCall, idempotent, toMaildockError } from './errors'

type ListInput = z.output<typeof containerListInput>
type CreateInput = z.output<typeof containerCreateInput>
type Ok = { ok: true }

const BULK_CONCURRENCY = 4

export async function listContainers(docker: Docker, input: ListInput): Promise<ContainerList> {
  const filters: Record<string, string[]> = {}
  if (input.label?.length) filters.label = input.label
  if (input.status?.length) filters.status = input.status
  const infos = await engineCall(() => docker.listContainers({ all: input.all, filters }))
  const name = input.name?.toLowerCase()
  const image = input.image?.toLowerCase()
  const containers = infos
    .map(toContainerSummary)
    .filter((c) => !name || c.name.toLowerCase().includes(name))
    .filter((c) => !image || c.image.toLowerCase().includes(image))
    .sort((a, b) => b.created - a.created || a.name.localeCompare(b.name))
  return { containers, groups: groupContainers(containers) }
}

export async function inspectContainer(docker: Docker, id: string): Promise<ContainerDetail> {
  return toContainerDetail(await engineCall(() => docker.getContainer(id).inspect()))
}

export async function createContainer(
  docker: Docker,
  input: CreateInput,
): Promise<{ id: string; warnings: string[] }> {
  const exposed: Record<string, object> = {}
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {}
  for (const port of input.ports ?? []) {
    const key = `${port.containerPort}/${port.protocol}`
    exposed[key] = {}
    bindings[key] = [{ HostIp: port.hostIp, HostPort: port.hostPort ? String(port.hostPort) : '' }]
  }
  const mounts = (input.mounts ?? []).map((m) => ({
    Type: m.source.startsWith('/') ? ('bind' as const) : ('volume' as const),
    Source: m.source,
    Target: m.destination,
    ReadOnly: m.readOnly,
  }))
  const container = await engineCall(() =>
    docker.createContainer({
      Image: input.image,
      ...(input.name ? { name: input.name } : {}),
      ...(input.command ? { Cmd: input.command } : {}),
      Env: Object.entries(input.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: input.labels ?? {},
      Tty: input.tty,
      ExposedPorts: exposed,
      HostConfig: {
        PortBindings: bindings,
        Mounts: mounts,
        ...(input.network ? { NetworkMode: input.network } : {}),
      },
    }),
  )
  if (input.start) {
    try {
      await container.start()
    } catch (error) {
      throw toMaildockError(error)
    }
  }
  return { id: container.id, warnings: [] }
}

export interface ActionOptions {
  timeoutSeconds?: number
  signal?: string
  force?: boolean
  volumes?: boolean
}

/** One lifecycle verb on one container; "already in that state" counts as success. */
export function runAction(
  docker: Docker,
  id: string,
  action: ContainerAction,
  options: ActionOptions = {},
): Promise<Ok> {
  const container = docker.getContainer(id)
  const timeout = options.timeoutSeconds === undefined ? {} : { t: options.timeoutSeconds }
  switch (action) {
    case 'start':
      return idempotent(() => container.start())
    case 'stop':
      return idempotent(() => container.stop(timeout))
    case 'restart':
      return idempotent(() => container.restart(timeout))
    case 'pause':
      return idempotent(() => container.pause())
    case 'unpause':
      return idempotent(() => container.unpause())
    case 'kill':
      return idempotent(() => container.kill({ signal: options.signal ?? 'SIGKILL' }))
    case 'remove':
      return idempotent(() =>
        container.remove({ force: options.force ?? false, v: options.volumes ?? false }),
      )
  }
}

/** Runs one action over many containers, a few at a time; each reports its own outcome. */
export async function bulkAction(
  docker: Docker,
  ids: string[],
  action: ContainerAction,
  options: ActionOptions,
): Promise<BulkResult> {
  const results: BulkResult['results'] = ids.map((id) => ({ id, ok: false }))
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const index = next++
      const id = ids[index] ?? ''
      try {
        await runAction(docker, id, action, options)
        results[index] = { id, ok: true }
      } catch (error) {
        const failure = error instanceof MaildockError ? error : toMaildockError(error)
        results[index] = { id, ok: false, error: failure.toPayload() }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, worker))
  return { results }
}
