import type Docker from 'dockerode'
import {
  stackServiceNames,
  type EngineStatus,
  type StackHealth,
  type StackInstance,
  type StackServiceStatus,
  type StackStatus,
} from '../../../shared/contract'
import { containerName, networkName, volumeName, type StackDefinition } from './definition'
import { observeStack, type ObservedContainer } from './observe'

export interface Expected {
  definition: StackDefinition
  /** Each service's configuration hash, when its image is on the engine. */
  hashes: ReadonlyMap<string, string>
}

export interface StatusInput {
  docker: Docker
  stack: string
  engine: EngineStatus
  expected: Expected | null
  busy: StackStatus['busy']
  problems: string[]
}

const HEALTH_RANK: Record<StackHealth, number> = { unhealthy: 3, starting: 2, healthy: 1, none: 0 }

interface Detail {
  startedAt: number | null
  restarts: number
  exitCode: number | null
  healthOutput: string | null
}

async function detailOf(docker: Docker, container: ObservedContainer): Promise<Detail> {
  try {
    const info = await docker.getContainer(container.id).inspect()
    const started = Date.parse(info.State.StartedAt)
    const log = info.State.Health?.Log ?? []
    const last = log[log.length - 1]
    return {
      startedAt: info.State.Running && started > 0 ? started : null,
      restarts: info.RestartCount,
      exitCode: info.State.Running ? null : info.State.ExitCode,
      healthOutput:
        last !== undefined && container.health !== 'healthy' ? last.Output.trim() || null : null,
    }
  } catch {
    // Removed between the list and the inspect: the next refresh shows it gone.
    return { startedAt: null, restarts: 0, exitCode: null, healthOutput: null }
  }
}

function toInstance(
  container: ObservedContainer,
  detail: Detail,
  expectedHash: string | undefined,
  now: number,
): StackInstance {
  return {
    name: container.name,
    id: container.id,
    replica: container.replica,
    state: container.state,
    health: container.health,
    healthOutput: detail.healthOutput,
    ports: container.ports.map((p) => ({ ...p, hostPort: p.hostPort })),
    startedAt: detail.startedAt,
    uptimeMs: detail.startedAt === null ? null : now - detail.startedAt,
    restarts: detail.restarts,
    exitCode: detail.exitCode,
    image: container.image,
    upToDate: expectedHash === undefined ? null : container.configHash === expectedHash,
  }
}

const missing = (stack: string, service: string, replica: number): StackInstance => ({
  name: containerName(stack, service, replica),
  id: '',
  replica,
  state: 'missing',
  health: 'none',
  healthOutput: null,
  ports: [],
  startedAt: null,
  uptimeMs: null,
  restarts: 0,
  exitCode: null,
  image: '',
  upToDate: false,
})

export function serviceState(
  enabled: boolean,
  desired: number,
  instances: StackInstance[],
): StackServiceStatus['state'] {
  if (!enabled) return 'disabled'
  if (instances.length === 0) return desired === 0 ? 'stopped' : 'missing'
  if (instances.every((i) => i.state === 'missing')) return 'missing'
  const running = instances.filter((i) => i.state === 'running')
  if (running.length === 0) return 'stopped'
  if (running.length < instances.length) return 'degraded'
  if (running.some((i) => i.health === 'unhealthy')) return 'degraded'
  if (running.some((i) => i.health === 'starting')) return 'starting'
  return 'running'
}

function links(service: string, instances: StackInstance[]): StackServiceStatus['links'] {
  const port = (containerPort: number): number | null =>
    instances.flatMap((i) => i.ports).find((p) => p.containerPort === containerPort)?.hostPort ??
    null
  const url = (label: string, containerPort: number) => {
    const host = port(containerPort)
    return host === null ? [] : [{ label, url: `http://127.0.0.1:${host}` }]
  }
  if (service === 'api') return url('API', 3000)
  if (service === 'catcher') return url('Mail catcher', 8025)
  if (service === 'broker') return url('RabbitMQ management', 15672)
  return []
}

export function stackState(
  engine: EngineStatus,
  services: StackServiceStatus[],
  anything: boolean,
): StackStatus['state'] {
  if (engine.state !== 'connected') return 'unknown'
  if (!anything) return 'absent'
  const enabled = services.filter((s) => s.enabled && s.desiredReplicas > 0)
  const states = new Set(enabled.map((s) => s.state))
  if (enabled.every((s) => s.state === 'running')) return 'up'
  const all = services.flatMap((s) => s.instances).filter((i) => i.state !== 'missing')
  if (all.length > 0 && all.every((i) => i.state !== 'running')) return 'stopped'
  if ([...states].every((s) => s === 'running' || s === 'starting')) return 'starting'
  return 'partial'
}

/** Reads every container, the network and the volumes of the stack, now. */
export async function readStatus(input: StatusInput): Promise<StackStatus> {
  const { docker, stack, expected, engine } = input
  const now = Date.now()
  const base = {
    name: stack,
    engine: {
      state: engine.state,
      error: engine.state === 'unreachable' ? engine.error : null,
    },
    busy: input.busy,
    problems: input.problems,
    checkedAt: now,
    network: { name: networkName(stack), exists: false },
  }
  const volumes = (
    expected?.definition.volumes.map((v) => v.name) ?? [
      volumeName(stack, 'logger-data'),
      volumeName(stack, 'emailer-ledger'),
    ]
  ).map((name) => ({ name, exists: false }))
  if (engine.state !== 'connected') {
    return { ...base, state: 'unknown', services: [], volumes }
  }
  const observed = await observeStack(docker, stack)
  const details = await Promise.all(observed.containers.map((c) => detailOf(docker, c)))
  const detailById = new Map(observed.containers.map((c, i) => [c.id, details[i] as Detail]))

  const services = stackServiceNames.map((service): StackServiceStatus => {
    const spec = expected?.definition.services.find((s) => s.service === service)
    const enabled = expected === null ? true : spec !== undefined
    const mine = observed.containers
      .filter((c) => c.service === service)
      .sort((a, b) => a.replica - b.replica)
    const desired = spec?.replicas ?? (expected === null ? Math.max(1, mine.length) : 0)
    const hash = expected?.hashes.get(service)
    const instances: StackInstance[] = []
    for (let replica = 1; replica <= desired; replica += 1) {
      const found = mine.find((c) => c.replica === replica)
      instances.push(
        found
          ? toInstance(found, detailById.get(found.id) as Detail, hash, now)
          : missing(stack, service, replica),
      )
    }
    for (const extra of mine.filter((c) => c.replica < 1 || c.replica > desired)) {
      instances.push(toInstance(extra, detailById.get(extra.id) as Detail, hash, now))
    }
    const health = instances
      .filter((i) => i.state === 'running')
      .reduce<StackHealth>(
        (worst, i) => (HEALTH_RANK[i.health] > HEALTH_RANK[worst] ? i.health : worst),
        'none',
      )
    return {
      service,
      enabled,
      desiredReplicas: desired,
      state: serviceState(enabled, desired, instances),
      health,
      instances,
      links: links(service, instances),
    }
  })
  const networkExists = observed.networks.some((n) => n.name === base.network.name)
  const existing = new Set(observed.volumes)
  const anything = observed.containers.length > 0 || networkExists
  return {
    ...base,
    state: stackState(engine, services, anything),
    services,
    network: { ...base.network, exists: networkExists },
    volumes: [
      ...volumes.map((v) => ({ ...v, exists: existing.has(v.name) })),
      // Labelled as the stack's but not wanted now (the broker's of the other queue type): `down
      // --volumes` removes them too.
      ...observed.volumes
        .filter((name) => !volumes.some((v) => v.name === name))
        .map((name) => ({ name, exists: true })),
    ],
  }
}
