import type Docker from 'dockerode'
import type { z } from 'zod'
import {
  MaildockError,
  type BulkResult,
  type ContainerAction,
  type ContainerDetail,
  type ContainerList,
  type containerListInput,
} from '../../../shared/contract'
import { groupContainers, toContainerDetail, toContainerSummary } from './container-views'
import { engineCall, idempotent, toMaildockError } from './errors'

type ListInput = z.output<typeof containerListInput>
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
