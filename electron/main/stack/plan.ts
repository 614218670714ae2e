import { dependencyOrder, type ServiceSpec, type StackDefinition } from './definition'
import type { ObservedContainer, ObservedStack } from './observe'

export type ReplicaAction =
  | { kind: 'keep'; replica: number; container: ObservedContainer }
  /** Same configuration, stopped after it ran (by hand, by a crash) or paused: start it. */
  | { kind: 'start'; replica: number; container: ObservedContainer }
  | { kind: 'create'; replica: number }
  | { kind: 'recreate'; replica: number; container: ObservedContainer; reason: string }

export interface ServicePlan {
  spec: ServiceSpec
  hash: string
  replicas: ReplicaAction[]
}

export interface Removal {
  container: ObservedContainer
  reason: string
}

export interface StackPlan {
  network: { name: string; action: 'create' | 'keep'; remove: Array<{ id: string; name: string }> }
  volumes: Array<{ name: string; action: 'create' | 'keep' }>
  /** Done before anything is created: extra replicas, duplicates, services no longer wanted. */
  removals: Removal[]
  /** In dependency order. */
  services: ServicePlan[]
}

const GONE = new Set(['dead', 'removing'])

/** The container to keep for a replica: same config first, then running, then the newest. */
function rank(hash: string) {
  return (a: ObservedContainer, b: ObservedContainer): number =>
    Number(b.configHash === hash) - Number(a.configHash === hash) ||
    Number(b.state === 'running') - Number(a.state === 'running') ||
    b.created - a.created
}

function replicaAction(
  replica: number,
  hash: string,
  container: ObservedContainer | undefined,
): ReplicaAction {
  if (container === undefined) return { kind: 'create', replica }
  if (container.configHash !== hash) {
    return { kind: 'recreate', replica, container, reason: 'its configuration changed' }
  }
  if (GONE.has(container.state)) {
    return { kind: 'recreate', replica, container, reason: `it is ${container.state}` }
  }
  // Its files (secrets, the broker's definitions) go in between create and start: a run that
  // ended there (engine gone, app closed) left a container that cannot work.
  if (container.state === 'created') {
    return { kind: 'recreate', replica, container, reason: 'it was created but never started' }
  }
  if (container.state === 'running' || container.state === 'restarting') {
    return { kind: 'keep', replica, container }
  }
  return { kind: 'start', replica, container }
}

/**
 * What `up` must do to turn what exists into what the definition asks for. Pure: `hashes` holds
 * each service's configuration hash, computed from the resolved images.
 */
export function computePlan(
  definition: StackDefinition,
  hashes: ReadonlyMap<string, string>,
  observed: ObservedStack,
): StackPlan {
  const removals: Removal[] = []
  const wanted = new Map(definition.services.map((spec) => [spec.service, spec]))

  for (const container of observed.containers) {
    const spec = wanted.get(container.service as ServiceSpec['service'])
    if (spec === undefined) {
      removals.push({
        container,
        reason: `${container.service || 'it'} is no longer part of the stack`,
      })
    } else if (!Number.isInteger(container.replica) || container.replica < 1) {
      removals.push({ container, reason: 'it has no valid replica number' })
    } else if (container.replica > spec.replicas) {
      removals.push({ container, reason: `${spec.service} is scaled to ${spec.replicas}` })
    }
  }

  const services = dependencyOrder(definition.services).map((spec): ServicePlan => {
    const hash = hashes.get(spec.service) ?? ''
    const replicas: ReplicaAction[] = []
    for (let replica = 1; replica <= spec.replicas; replica += 1) {
      const [chosen, ...duplicates] = observed.containers
        .filter((c) => c.service === spec.service && c.replica === replica)
        .sort(rank(hash))
      for (const container of duplicates) {
        removals.push({ container, reason: `a duplicate of ${spec.service} replica ${replica}` })
      }
      replicas.push(replicaAction(replica, hash, chosen))
    }
    return { spec, hash, replicas }
  })

  const named = observed.networks
    .filter((network) => network.name === definition.network)
    .sort((a, b) => a.created.localeCompare(b.created))
  const strays = observed.networks.filter((network) => network.name !== definition.network)
  const existingVolumes = new Set(observed.volumes)

  return {
    network: {
      name: definition.network,
      action: named.length > 0 ? 'keep' : 'create',
      remove: [...named.slice(1), ...strays].map(({ id, name }) => ({ id, name })),
    },
    volumes: definition.volumes.map(({ name }) => ({
      name,
      action: existingVolumes.has(name) ? 'keep' : 'create',
    })),
    removals,
    services,
  }
}

/** Nothing to create, start or remove. */
export function isNoop(plan: StackPlan): boolean {
  return (
    plan.network.action === 'keep' &&
    plan.network.remove.length === 0 &&
    plan.volumes.every((volume) => volume.action === 'keep') &&
    plan.removals.length === 0 &&
    plan.services.every((service) => service.replicas.every((r) => r.kind === 'keep'))
  )
}
