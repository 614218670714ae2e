import type Docker from 'dockerode'
import {
  containerStates,
  type ContainerDetail,
  type ContainerGroup,
  type ContainerList,
  type ContainerState,
  type ContainerSummary,
  type PortMapping,
} from '../../../shared/contract'
import { LABELS } from '../../../shared/labels'
import { maskEnv } from './secrets'

const COMPOSE_PROJECT = 'com.docker.compose.project'
const COMPOSE_SERVICE = 'com.docker.compose.service'

export const toState = (state: string | undefined): ContainerState => {
  const lower = (state ?? '').toLowerCase()
  return (containerStates as readonly string[]).includes(lower) ? (lower as ContainerState) : 'dead'
}

const ms = (iso: string | undefined): number | null => {
  const value = iso ? Date.parse(iso) : NaN
  return Number.isFinite(value) && value > 0 ? value : null
}

/** A MailDock stack wins over the compose project it may also carry. */
export function groupOf(labels: Record<string, string> | undefined): ContainerGroup | null {
  const stack = labels?.[LABELS.stack]
  if (stack) {
    const service = labels[LABELS.service]
    return service ? { kind: 'stack', name: stack, service } : { kind: 'stack', name: stack }
  }
  const project = labels?.[COMPOSE_PROJECT]
  if (project) {
    const service = labels[COMPOSE_SERVICE]
    return service
      ? { kind: 'compose', name: project, service }
      : { kind: 'compose', name: project }
  }
  return null
}

export function healthFromStatus(status: string): ContainerSummary['health'] {
  if (/\(healthy\)/.test(status)) return 'healthy'
  if (/\(unhealthy\)/.test(status)) return 'unhealthy'
  if (/\(health: starting\)/.test(status)) return 'starting'
  return 'none'
}

/** The engine lists a port once per address family; keep one row per mapping. */
function listPorts(ports: Docker.Port[] | undefined): PortMapping[] {
  const seen = new Set<string>()
  const result: PortMapping[] = []
  for (const port of ports ?? []) {
    const key = `${port.PrivatePort}/${port.Type}:${port.PublicPort ?? ''}`
    if (seen.has(key)) continue
    seen.add(key)
    result.push({
      containerPort: port.PrivatePort,
      protocol: port.Type,
      ...(port.IP ? { hostIp: port.IP } : {}),
      ...(port.PublicPort ? { hostPort: port.PublicPort } : {}),
    })
  }
  return result.sort((a, b) => a.containerPort - b.containerPort)
}

export function toContainerSummary(info: Docker.ContainerInfo): ContainerSummary {
  const labels = info.Labels ?? {}
  return {
    id: info.Id,
    name: (info.Names?.[0] ?? info.Id.slice(0, 12)).replace(/^\//, ''),
    image: info.Image,
    imageId: info.ImageID,
    command: info.Command,
    created: info.Created * 1000,
    state: toState(info.State),
    status: info.Status,
    health: healthFromStatus(info.Status),
    ports: listPorts(info.Ports),
    labels,
    networks: Object.keys(info.NetworkSettings?.Networks ?? {}),
    volumes: (info.Mounts ?? []).flatMap((m) => (m.Type === 'volume' && m.Name ? [m.Name] : [])),
    group: groupOf(labels),
  }
}

export function groupContainers(containers: ContainerSummary[]): ContainerList['groups'] {
  const groups = new Map<string, ContainerList['groups'][number]>()
  for (const container of containers) {
    if (!container.group) continue
    const key = `${container.group.kind}:${container.group.name}`
    const group = groups.get(key) ?? {
      kind: container.group.kind,
      name: container.group.name,
      containerIds: [],
      running: 0,
    }
    group.containerIds.push(container.id)
    if (container.state === 'running') group.running += 1
    groups.set(key, group)
  }
  return [...groups.values()].sort(
    (a, b) => a.name.localeCompare(b.name) || a.kind.localeCompare(b.kind),
  )
}

const asList = (value: string | string[] | null | undefined): string[] =>
  value == null ? [] : Array.isArray(value) ? value : [value]

function inspectPorts(
  ports: Docker.ContainerInspectInfo['NetworkSettings']['Ports'] | undefined,
): PortMapping[] {
  const result: PortMapping[] = []
  for (const [key, bindings] of Object.entries(ports ?? {})) {
    const [port = '0', protocol = 'tcp'] = key.split('/')
    const containerPort = Number(port)
    if (!bindings || bindings.length === 0) {
      result.push({ containerPort, protocol })
      continue
    }
    const seen = new Set<string>()
    for (const binding of bindings) {
      if (seen.has(binding.HostPort)) continue
      seen.add(binding.HostPort)
      result.push({
        containerPort,
        protocol,
        hostIp: binding.HostIp,
        hostPort: Number(binding.HostPort),
      })
    }
  }
  return result.sort((a, b) => a.containerPort - b.containerPort)
}

export function toContainerDetail(info: Docker.ContainerInspectInfo): ContainerDetail {
  const health = info.State.Health
  const labels = info.Config.Labels ?? {}
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ''),
    image: info.Config.Image,
    imageId: info.Image,
    created: ms(info.Created) ?? 0,
    state: toState(info.State.Status),
    startedAt: ms(info.State.StartedAt),
    finishedAt: ms(info.State.FinishedAt),
    exitCode: info.State.ExitCode,
    error: info.State.Error ?? '',
    restartCount: info.RestartCount,
    restartPolicy: info.HostConfig.RestartPolicy?.Name || 'no',
    health: {
      status: health ? healthFromStatus(`(${health.Status})`) : 'none',
      failingStreak: health?.FailingStreak ?? 0,
      log: (health?.Log ?? []).map((run) => ({
        start: run.Start,
        end: run.End,
        exitCode: run.ExitCode,
        output: run.Output,
      })),
    },
    command: asList(info.Config.Cmd),
    entrypoint: asList(info.Config.Entrypoint),
    workingDir: info.Config.WorkingDir ?? '',
    user: info.Config.User ?? '',
    tty: info.Config.Tty,
    env: maskEnv(info.Config.Env ?? []),
    mounts: (info.Mounts ?? []).map((m) => ({
      type: m.Type,
      ...(m.Name ? { name: m.Name } : {}),
      source: m.Source,
      destination: m.Destination,
      readOnly: !m.RW,
    })),
    ports: inspectPorts(info.NetworkSettings?.Ports),
    networks: Object.entries(info.NetworkSettings?.Networks ?? {}).map(([name, net]) => ({
      name,
      networkId: net.NetworkID,
      ipAddress: net.IPAddress,
      gateway: net.Gateway,
      macAddress: net.MacAddress,
      aliases: Array.isArray(net.Aliases) ? (net.Aliases as unknown[]).map(String) : [],
    })),
    labels,
    group: groupOf(labels),
  }
}
