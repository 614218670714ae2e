import type { StackServiceName } from '../../../shared/contract'
import { containerName, type StackDefinition } from './definition'
import type { Operation, Step } from './operation'
import type { ReplicaAction, ServicePlan, StackPlan } from './plan'

export interface ReplicaSteps {
  remove: Step | null
  create: Step | null
  start: Step | null
}

export interface ServiceSteps {
  replicas: ReplicaSteps[]
  health: Step | null
}

export interface PlanSteps {
  removals: Array<{ removal: StackPlan['removals'][number]; step: Step }>
  strayNetworks: Array<{ network: StackPlan['network']['remove'][number]; step: Step }>
  createNetwork: Step | null
  volumes: Array<{ name: string; step: Step }>
  services: Map<StackServiceName, ServiceSteps>
}

/** Every step of a plan up front, so the progress view shows the whole plan from the start. */
export function planSteps(
  operation: Operation,
  definition: StackDefinition,
  plan: StackPlan,
): PlanSteps {
  return {
    removals: plan.removals.map((removal) => ({
      removal,
      step: operation.step('remove', `Remove ${removal.container.name} (${removal.reason})`),
    })),
    strayNetworks: plan.network.remove.map((network) => ({
      network,
      step: operation.step('network', `Remove stray network ${network.name}`),
    })),
    createNetwork:
      plan.network.action === 'create'
        ? operation.step('network', `Create network ${plan.network.name}`)
        : null,
    volumes: plan.volumes
      .filter((volume) => volume.action === 'create')
      .map((volume) => ({
        name: volume.name,
        step: operation.step('volume', `Create volume ${volume.name}`),
      })),
    services: new Map(
      plan.services.map((service) => [
        service.spec.service,
        serviceSteps(operation, definition.name, service),
      ]),
    ),
  }
}

function serviceSteps(operation: Operation, stack: string, service: ServicePlan): ServiceSteps {
  const name = service.spec.service
  return {
    replicas: service.replicas.map((action) => replicaSteps(operation, stack, service, action)),
    health: needsWait(service)
      ? operation.step('health', `Wait until ${name} is healthy`, name)
      : null,
  }
}

function needsWait(service: ServicePlan): boolean {
  return service.replicas.some(
    (r) => r.kind !== 'keep' || (r.container.health !== 'healthy' && r.container.health !== 'none'),
  )
}

function replicaSteps(
  operation: Operation,
  stack: string,
  service: ServicePlan,
  action: ReplicaAction,
): ReplicaSteps {
  const name = containerName(stack, service.spec.service, action.replica)
  const svc = service.spec.service
  if (action.kind === 'keep') return { remove: null, create: null, start: null }
  if (action.kind === 'start') {
    return { remove: null, create: null, start: operation.step('start', `Start ${name}`, svc) }
  }
  return {
    remove:
      action.kind === 'recreate'
        ? operation.step('remove', `Remove ${action.container.name} (${action.reason})`, svc)
        : null,
    create: operation.step('create', `Create ${name}`, svc),
    start: operation.step('start', `Start ${name}`, svc),
  }
}
