import type Docker from 'dockerode'
import type {
  ImageDetail,
  ImageSummary,
  PruneResult,
  containerRefSchema,
  imageHistoryEntrySchema,
} from '../../../shared/contract'
import type { z } from 'zod'
import { toState } from './container-views'
import { engineCall } from './errors'
import { maskEnv } from './secrets'

type ContainerRef = z.infer<typeof containerRefSchema>
type HistoryEntry = z.infer<typeof imageHistoryEntrySchema>

const realTags = (tags: string[] | undefined): string[] =>
  (tags ?? []).filter((t) => t !== '<none>:<none>')
const realDigests = (digests: string[] | undefined): string[] =>
  (digests ?? []).filter((d) => d !== '<none>@<none>')

/** Which containers (running or not) use each image id. */
export async function containersByImage(docker: Docker): Promise<Map<string, ContainerRef[]>> {
  const containers = await engineCall(() => docker.listContainers({ all: true }))
  const byImage = new Map<string, ContainerRef[]>()
  for (const c of containers) {
    const refs = byImage.get(c.ImageID) ?? []
    refs.push({
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
      state: toState(c.State),
    })
    byImage.set(c.ImageID, refs)
  }
  return byImage
}

export function toImageSummary(info: Docker.ImageInfo, usedBy: ContainerRef[]): ImageSummary {
  const tags = realTags(info.RepoTags)
  return {
    id: info.Id,
    tags,
    digests: realDigests(info.RepoDigests),
    sizeBytes: info.Size,
    created: info.Created * 1000,
    labels: info.Labels ?? {},
    dangling: tags.length === 0,
    usedBy,
  }
}

export async function listImages(
  docker: Docker,
  input: { dangling?: boolean | undefined; label?: string[] | undefined },
): Promise<{ images: ImageSummary[] }> {
  const filters: Record<string, string[]> = {}
  if (input.dangling !== undefined) filters.dangling = [String(input.dangling)]
  if (input.label?.length) filters.label = input.label
  const [infos, usage] = await Promise.all([
    engineCall(() => docker.listImages({ filters })),
    containersByImage(docker),
  ])
  const images = infos
    .map((info) => toImageSummary(info, usage.get(info.Id) ?? []))
    .sort((a, b) => b.created - a.created)
  return { images }
}

const asList = (value: string | string[] | null | undefined): string[] =>
  value == null ? [] : Array.isArray(value) ? value : [value]

export async function inspectImage(docker: Docker, id: string): Promise<ImageDetail> {
  const [info, usage] = await Promise.all([
    engineCall(() => docker.getImage(id).inspect()),
    containersByImage(docker),
  ])
  const tags = realTags(info.RepoTags)
  const config = info.Config
  const created = Date.parse(info.Created)
  return {
    id: info.Id,
    tags,
    digests: realDigests(info.RepoDigests),
    sizeBytes: info.Size,
    created: Number.isFinite(created) ? created : 0,
    labels: config?.Labels ?? {},
    dangling: tags.length === 0,
    usedBy: usage.get(info.Id) ?? [],
    architecture: info.Architecture,
    os: info.Os,
    author: info.Author ?? '',
    command: asList(config?.Cmd),
    entrypoint: asList(config?.Entrypoint),
    env: maskEnv(config?.Env ?? []),
    exposedPorts: Object.keys(config?.ExposedPorts ?? {}),
    workingDir: config?.WorkingDir ?? '',
    user: config?.User ?? '',
    layers: info.RootFS?.Layers?.length ?? 0,
  }
}

interface RawHistory {
  Id: string
  Created: number
  CreatedBy: string
  Tags: string[] | null
  Size: number
  Comment: string
}

export async function imageHistory(
  docker: Docker,
  id: string,
): Promise<{ entries: HistoryEntry[] }> {
  const raw = (await engineCall(() => docker.getImage(id).history())) as RawHistory[]
  return {
    entries: raw.map((h) => ({
      id: h.Id,
      created: h.Created * 1000,
      createdBy: h.CreatedBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, ''),
      sizeBytes: h.Size,
      tags: h.Tags ?? [],
      comment: h.Comment ?? '',
    })),
  }
}

export async function tagImage(
  docker: Docker,
  input: { id: string; repo: string; tag: string },
): Promise<{ ok: true }> {
  await engineCall(() => docker.getImage(input.id).tag({ repo: input.repo, tag: input.tag }))
  return { ok: true }
}

export async function removeImage(
  docker: Docker,
  input: { id: string; force: boolean },
): Promise<{ untagged: string[]; deleted: string[] }> {
  const raw = (await engineCall(() =>
    docker.getImage(input.id).remove({ force: input.force }),
  )) as Array<Partial<Docker.ImageRemoveInfo>>
  return {
    untagged: raw.flatMap((r) => (r.Untagged ? [r.Untagged] : [])),
    deleted: raw.flatMap((r) => (r.Deleted ? [r.Deleted] : [])),
  }
}

export async function pruneImages(
  docker: Docker,
  input: { mode: 'dangling' | 'unused'; label?: string[] | undefined },
): Promise<PruneResult> {
  const filters: Record<string, string[]> = {
    dangling: [input.mode === 'dangling' ? 'true' : 'false'],
  }
  if (input.label?.length) filters.label = input.label
  const result = await engineCall(() => docker.pruneImages({ filters }))
  return {
    deleted: (result.ImagesDeleted ?? []).flatMap((r) => (r.Deleted ? [r.Deleted] : [])),
    reclaimedBytes: result.SpaceReclaimed ?? 0,
  }
}
