import type Docker from 'dockerode'
import type { z } from 'zod'
import {
  MaildockError,
  type NetworkDetail,
  type NetworkSummary,
  type networkCreateInput,
} from '../../../shared/contract'
import { engineCall } from './errors'

type CreateInput = z.output<typeof networkCreateInput>

const BUILT_IN = new Set(['bridge', 'host', 'none'])

interface RawNetwork {
  Id: string
  Name: string
  Driver: string
  Scope: string
  Internal?: boolean
  Attachable?: boolean
  Created?: string
  Labels?: Record<string, string> | null
  Options?: Record<string, string> | null
  IPAM?: { Config?: Array<{ Subnet?: string; Gateway?: string }> | null }
  Containers?: Record<string, { Name?: string; IPv4Address?: string; MacAddress?: string }> | null
}

export function toNetworkSummary(raw: RawNetwork, containerCount: number): NetworkSummary {
  const created = raw.Created ? Date.parse(raw.Created) : NaN
  return {
    id: raw.Id,
    name: raw.Name,
    driver: raw.Driver,
    scope: raw.Scope,
    internal: raw.Internal ?? false,
    attachable: raw.Attachable ?? false,
    subnets: (raw.IPAM?.Config ?? []).flatMap((c) =>
      c.Subnet ? [{ subnet: c.Subnet, ...(c.Gateway ? { gateway: c.Gateway } : {}) }] : [],
    ),
    labels: raw.Labels ?? {},
    created: Number.isFinite(created) ? created : 0,
    builtIn: BUILT_IN.has(raw.Name),
    containerCount,
  }
}

/** Containers attached to each network id, stopped ones included (the list answer omits them). */
async function attachedCounts(docker: Docker): Promise<Map<string, number>> {
  const containers = await engineCall(() => docker.listContainers({ all: true }))
  const counts = new Map<string, number>()
  for (const c of containers) {
    for (const net of Object.values(c.NetworkSettings?.Networks ?? {})) {
      if (net.NetworkID) counts.set(net.NetworkID, (counts.get(net.NetworkID) ?? 0) + 1)
    }
  }
  return counts
}

export async function listNetworks(
  docker: Docker,
  input: { label?: string[] | undefined },
): Promise<{ networks: NetworkSummary[] }> {
  const filters: Record<string, string[]> = input.label?.length ? { label: input.label } : {}
  const [raw, counts] = await Promise.all([
    engineCall(() => docker.listNetworks({ filters }) as Promise<RawNetwork[]>),
    attachedCounts(docker),
  ])
  const networks = raw
    .map((n) => toNetworkSummary(n, counts.get(n.Id) ?? 0))
    .sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || a.name.localeCompare(b.name))
  return { networks }
}

export async function inspectNetwork(docker: Docker, id: string): Promise<NetworkDetail> {
  const raw = (await engineCall(() => docker.getNetwork(id).inspect())) as RawNetwork
  const containers = Object.entries(raw.Containers ?? {}).map(([containerId, c]) => ({
    id: containerId,
    name: c.Name ?? containerId.slice(0, 12),
    ipv4Address: c.IPv4Address ?? '',
    macAddress: c.MacAddress ?? '',
  }))
  return {
    ...toNetworkSummary(raw, containers.length),
    options: raw.Options ?? {},
    containers: containers.sort((a, b) => a.name.localeCompare(b.name)),
  }
}

export async function createNetwork(docker: Docker, input: CreateInput): Promise<NetworkSummary> {
  if (input.gateway && !input.subnet) {
    throw new MaildockError('INVALID_INPUT', 'A gateway needs a subnet: give both, or neither.')
  }
  const ipam = input.subnet
    ? {
        IPAM: {
          Driver: 'default',
          Config: [{ Subnet: input.subnet, ...(input.gateway ? { Gateway: input.gateway } : {}) }],
        },
      }
    : {}
  const network = await engineCall(() =>
    docker.createNetwork({
      Name: input.name,
      Driver: input.driver,
      Internal: input.internal,
      Attachable: input.attachable,
      CheckDuplicate: true,
      Labels: input.labels ?? {},
      ...ipam,
    }),
  )
  const raw = (await engineCall(() => network.inspect())) as RawNetwork
  return toNetworkSummary(raw, 0)
}

export async function connectNetwork(
  docker: Docker,
  input: { id: string; container: string; aliases?: string[] | undefined },
): Promise<{ ok: true }> {
  await engineCall(() =>
    docker.getNetwork(input.id).connect({
      Container: input.container,
      ...(input.aliases?.length ? { EndpointConfig: { Aliases: input.aliases } } : {}),
    }),
  )
  return { ok: true }
}

export async function disconnectNetwork(
  docker: Docker,
  input: { id: string; container: string; force: boolean },
): Promise<{ ok: true }> {
  await engineCall(() =>
    docker.getNetwork(input.id).disconnect({ Container: input.container, Force: input.force }),
  )
  return { ok: true }
}

export async function removeNetwork(docker: Docker, id: string): Promise<{ ok: true }> {
  if (BUILT_IN.has(id)) {
    throw new MaildockError(
      'CONFLICT',
      `${id} is one of the engine's own networks and cannot be removed.`,
    )
  }
  await engineCall(() => docker.getNetwork(id).remove())
  return { ok: true }
}

export async function pruneNetworks(
  docker: Docker,
  input: { label?: string[] | undefined },
): Promise<{ deleted: string[] }> {
  const filters: Record<string, string[]> = input.label?.length ? { label: input.label } : {}
  const result = (await engineCall(() => docker.pruneNetworks({ filters }))) as {
    NetworksDeleted?: string[] | null
  }
  return { deleted: result.NetworksDeleted ?? [] }
}
