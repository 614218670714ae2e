import type Docker from 'dockerode'
import type { z } from 'zod'
import type {
  PruneResult,
  VolumeSummary,
  containerRefSchema,
  volumeCreateInput,
  volumeDetailSchema,
} from '../../../shared/contract'
import { toState } from './container-views'
import { engineCall } from './errors'

type ContainerRef = z.infer<typeof containerRefSchema>
type CreateInput = z.output<typeof volumeCreateInput>
type VolumeDetail = z.infer<typeof volumeDetailSchema>

interface RawVolume {
  Name: string
  Driver: string
  Mountpoint: string
  Scope?: string
  CreatedAt?: string
  Labels?: Record<string, string> | null
  Options?: Record<string, string> | null
  UsageData?: { Size?: number; RefCount?: number } | null
}

/** Volume sizes from the engine's disk usage report (`type=volume` spares newer engines the rest). */
async function volumeSizes(docker: Docker): Promise<Map<string, number>> {
  const report = await engineCall(
    () =>
      new Promise<{ Volumes?: RawVolume[] | null }>((resolve, reject) => {
        docker.modem.dial(
          {
            path: '/system/df?',
            method: 'GET',
            options: { type: 'volume' },
            statusCodes: { 200: true, 500: 'server error' },
          },
          (error: Error | null, data: unknown) =>
            error ? reject(error) : resolve(data as { Volumes?: RawVolume[] | null }),
        )
      }),
  )
  const sizes = new Map<string, number>()
  for (const volume of report.Volumes ?? []) {
    const size = volume.UsageData?.Size
    if (size !== undefined && size >= 0) sizes.set(volume.Name, size)
  }
  return sizes
}

async function volumeUsers(docker: Docker): Promise<Map<string, ContainerRef[]>> {
  const containers = await engineCall(() => docker.listContainers({ all: true }))
  const users = new Map<string, ContainerRef[]>()
  for (const c of containers) {
    for (const mount of c.Mounts ?? []) {
      if (mount.Type !== 'volume' || !mount.Name) continue
      const refs = users.get(mount.Name) ?? []
      refs.push({
        id: c.Id,
        name: (c.Names?.[0] ?? c.Id).replace(/^\//, ''),
        state: toState(c.State),
      })
      users.set(mount.Name, refs)
    }
  }
  return users
}

export function toVolumeSummary(
  raw: RawVolume,
  sizeBytes: number | null,
  usedBy: ContainerRef[],
): VolumeSummary {
  const created = raw.CreatedAt ? Date.parse(raw.CreatedAt) : NaN
  return {
    name: raw.Name,
    driver: raw.Driver,
    mountpoint: raw.Mountpoint,
    scope: raw.Scope ?? 'local',
    created: Number.isFinite(created) ? created : null,
    labels: raw.Labels ?? {},
    sizeBytes,
    usedBy,
  }
}

export async function listVolumes(
  docker: Docker,
  input: { label?: string[] | undefined },
): Promise<{ volumes: VolumeSummary[] }> {
  const filters: Record<string, string[]> = input.label?.length ? { label: input.label } : {}
  const [list, sizes, users] = await Promise.all([
    engineCall(() => docker.listVolumes({ filters })),
    volumeSizes(docker),
    volumeUsers(docker),
  ])
  const volumes = ((list.Volumes ?? []) as RawVolume[])
    .map((v) => toVolumeSummary(v, sizes.get(v.Name) ?? null, users.get(v.Name) ?? []))
    .sort((a, b) => a.name.localeCompare(b.name))
  return { volumes }
}

export async function inspectVolume(docker: Docker, name: string): Promise<VolumeDetail> {
  const [raw, sizes, users] = await Promise.all([
    engineCall(() => docker.getVolume(name).inspect() as Promise<RawVolume>),
    volumeSizes(docker),
    volumeUsers(docker),
  ])
  return {
    ...toVolumeSummary(raw, sizes.get(raw.Name) ?? null, users.get(raw.Name) ?? []),
    options: raw.Options ?? {},
  }
}

export async function createVolume(docker: Docker, input: CreateInput): Promise<VolumeSummary> {
  const volume = await engineCall(() =>
    docker.createVolume({
      ...(input.name ? { Name: input.name } : {}),
      Driver: input.driver,
      Labels: input.labels ?? {},
    }),
  )
  const raw = (await engineCall(() => volume.inspect())) as RawVolume
  return toVolumeSummary(raw, null, [])
}

export async function removeVolume(
  docker: Docker,
  input: { name: string; force: boolean },
): Promise<{ ok: true }> {
  await engineCall(() => docker.getVolume(input.name).remove({ force: input.force }))
  return { ok: true }
}

export async function pruneVolumes(
  docker: Docker,
  input: { label?: string[] | undefined },
): Promise<PruneResult> {
  const filters: Record<string, string[]> = input.label?.length ? { label: input.label } : {}
  const result = (await engineCall(() => docker.pruneVolumes({ filters }))) as {
    VolumesDeleted?: string[] | null
    SpaceReclaimed?: number
  }
  return { deleted: result.VolumesDeleted ?? [], reclaimedBytes: result.SpaceReclaimed ?? 0 }
}
