import type Docker from 'dockerode'
import { MaildockError, type StackChange, type StackServiceName } from '../../../shared/contract'
import { engineCall, toMaildockError } from '../docker'
import { labelledOptions, type ImageRef } from './container-spec'
import { LABELS } from '../../../shared/labels'
import { containerName, type StackDefinition } from './definition'
import {
  createContainer,
  removeContainer,
  removeNetwork,
  removeVolume,
  startContainer,
} from './engine-ops'
import { putFiles } from './container-files'
import { reportChecks, waitUntilReady } from './health'
import type { ObservedStack } from './observe'
import type { Operation, Step } from './operation'
import type { ReplicaAction, ServicePlan, StackPlan } from './plan'
import { checkPortClashes, checkPortsFree, portClaims } from './ports'

export interface ApplyInput {
  docker: Docker
  definition: StackDefinition
  images: ReadonlyMap<StackServiceName, ImageRef>
  plan: StackPlan
  observed: ObservedStack
  operation: Operation
  /** Check host ports on this machine first (only meaningful for a local engine). */
  checkPorts: boolean
}

export const emptyChange = (): StackChange => ({
  created: [],
  recreated: [],
  started: [],
  stopped: [],
  removed: [],
  builtImages: [],
  pulledImages: [],
})

interface Deferred {
  promise: Promise<void>
  resolve(): void
  reject(error: unknown): void
}

function deferred(): Deferred {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  promise.catch(() => undefined)
  return { promise, resolve, reject }
}

/** What this run created, so a failure can take it away again. */
interface Created {
  containers: Array<{ id: string; name: string }>
  network: string | null
  volumes: string[]
}

function needsWait(service: ServicePlan): boolean {
  return service.replicas.some(
    (r) => r.kind !== 'keep' || (r.container.health !== 'healthy' && r.container.health !== 'none'),
  )
}

/**
 * Applies a plan: removals, network, volumes, then each service once what it depends on is
 * started or healthy (independent services in parallel). On failure, removes what this run
 * created and rethrows; containers it kept are left as they were.
 */
export async function applyPlan(input: ApplyInput): Promise<StackChange> {
  const { docker, definition, plan, operation } = input
  const change = emptyChange()
  const created: Created = { containers: [], network: null, volumes: [] }
  const abort = new AbortController()
  const timeoutMs = definition.healthTimeoutSeconds * 1000

  const claims = portClaims(definition)
  checkPortClashes(claims)
  const changing = new Set(
    plan.services
      .filter((s) => s.replicas.some((r) => r.kind !== 'keep'))
      .map((s) => s.spec.service),
  )
  if (input.checkPorts && changing.size > 0) {
    const ours = new Set(input.observed.containers.flatMap((c) => c.ports.map((p) => p.hostPort)))
    await checkPortsFree(
      claims.filter((c) => changing.has(c.service as StackServiceName)),
      ours,
    )
  }

  // Every step up front, so the progress view shows the whole plan from the start.
  const removalSteps = plan.removals.map((removal) => ({
    removal,
    step: operation.step('remove', `Remove ${removal.container.name} (${removal.reason})`),
  }))
  const networkSteps = plan.network.remove.map((network) => ({
    network,
    step: operation.step('network', `Remove stray network ${network.name}`),
  }))
  const createNetworkStep =
    plan.network.action === 'create'
      ? operation.step('network', `Create network ${plan.network.name}`)
      : null
  const volumeSteps = plan.volumes
    .filter((volume) => volume.action === 'create')
    .map((volume) => ({
      name: volume.name,
      step: operation.step('volume', `Create volume ${volume.name}`),
    }))
  const serviceSteps = new Map(
    plan.services.map((service) => [
      service.spec.service,
      {
        replicas: service.replicas.map((action) =>
          replicaSteps(operation, definition.name, service, action),
        ),
        health: needsWait(service)
          ? operation.step(
              'health',
              `Wait until ${service.spec.service} is healthy`,
              service.spec.service,
            )
          : null,
      },
    ]),
  )

  try {
    await Promise.all(
      removalSteps.map(({ removal, step }) =>
        step.run(async () => {
          const spec = definition.services.find((s) => s.service === removal.container.service)
          await removeContainer(docker, removal.container.id, spec?.stopTimeoutSeconds ?? 10)
          change.removed.push(removal.container.name)
        }),
      ),
    )
    for (const { network, step } of networkSteps) {
      await step
        .run(() => removeNetwork(docker, network.id))
        .catch((error: unknown) => {
          // A stray network with something attached is left alone.
          if (toMaildockError(error).code === 'ENGINE_UNREACHABLE') throw error
        })
    }
    if (createNetworkStep) {
      await createNetworkStep.run(async () => {
        const network = await engineCall(() =>
          docker.createNetwork({
            Name: plan.network.name,
            Driver: 'bridge',
            CheckDuplicate: true,
            Labels: { ...definition.labels, [LABELS.stack]: definition.name },
          }),
        )
        created.network = network.id
      })
    }
    await Promise.all(
      volumeSteps.map(({ name, step }) =>
        step.run(async () => {
          await engineCall(() =>
            docker.createVolume({
              Name: name,
              Labels: { ...definition.labels, [LABELS.stack]: definition.name },
            }),
          )
          created.volumes.push(name)
        }),
      ),
    )

    const started = new Map(plan.services.map((s) => [s.spec.service, deferred()]))
    const ready = new Map(plan.services.map((s) => [s.spec.service, deferred()]))
    const runService = async (service: ServicePlan): Promise<void> => {
      const name = service.spec.service
      const steps = serviceSteps.get(name)
      try {
        await Promise.all(
          service.spec.dependsOn.map(
            (dep) =>
              (dep.condition === 'healthy' ? ready : started).get(dep.service)?.promise ??
              Promise.resolve(),
          ),
        )
        const image = input.images.get(name)
        if (image === undefined)
          throw new MaildockError('INTERNAL', `No image resolved for ${name}`)
        const ids = await Promise.all(
          service.replicas.map((action, index) =>
            applyReplica(input, service, action, image, steps?.replicas[index], change, created),
          ),
        )
        started.get(name)?.resolve()
        if (steps?.health) {
          await steps.health.run(
            (step) =>
              Promise.all(
                ids.map((id, index) => {
                  const label = service.replicas.length > 1 ? `${name} replica ${index + 1}` : name
                  return waitUntilReady(docker, id, {
                    label,
                    timeoutMs,
                    signal: abort.signal,
                    onCheck: reportChecks(step, label),
                  })
                }),
              ),
            () => (ids.length > 1 ? `${ids.length} replicas healthy` : 'healthy'),
          )
        }
        ready.get(name)?.resolve()
      } catch (error) {
        started.get(name)?.reject(error)
        ready.get(name)?.reject(error)
        abort.abort()
        throw error
      }
    }
    const outcomes = await Promise.allSettled(plan.services.map(runService))
    const failure = outcomes.find((o) => o.status === 'rejected')
    if (failure) throw pickRootCause(outcomes)
  } catch (error) {
    abort.abort()
    await rollback(docker, operation, created)
    throw error
  }
  return change
}

/** The first failure that is not just a cancellation caused by another one. */
function pickRootCause(outcomes: Array<PromiseSettledResult<unknown>>): unknown {
  const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
  return reasons.find((r) => !(r instanceof MaildockError && r.code === 'CANCELLED')) ?? reasons[0]
}

interface ReplicaSteps {
  remove: Step | null
  create: Step | null
  start: Step | null
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

/** Brings one replica to running; returns its container id. */
async function applyReplica(
  input: ApplyInput,
  service: ServicePlan,
  action: ReplicaAction,
  image: ImageRef,
  steps: ReplicaSteps | undefined,
  change: StackChange,
  created: Created,
): Promise<string> {
  const { docker, definition } = input
  const name = containerName(definition.name, service.spec.service, action.replica)
  if (action.kind === 'keep') return action.container.id
  if (action.kind === 'start') {
    await steps?.start?.run(() => startContainer(docker, action.container.id, name))
    change.started.push(name)
    return action.container.id
  }
  if (action.kind === 'recreate') {
    await steps?.remove?.run(() =>
      removeContainer(docker, action.container.id, service.spec.stopTimeoutSeconds),
    )
  }
  const options = labelledOptions(definition, service.spec, action.replica, image, service.hash)
  const id = await (steps?.create ?? null)?.run(
    async () => {
      const newId = await createContainer(docker, options)
      created.containers.push({ id: newId, name })
      await putFiles(docker, newId, service.spec.files)
      return newId
    },
    (newId) => newId.slice(0, 12),
  )
  if (id === undefined) throw new MaildockError('INTERNAL', `No create step for ${name}`)
  await steps?.start?.run(() => startContainer(docker, id, name))
  ;(action.kind === 'recreate' ? change.recreated : change.created).push(name)
  return id
}

/** Takes away what a failed run created; says so when the engine is not there to do it. */
async function rollback(docker: Docker, operation: Operation, created: Created): Promise<void> {
  if (created.containers.length === 0 && created.network === null && created.volumes.length === 0) {
    return
  }
  const what = [
    created.containers.length > 0 ? `${created.containers.length} container(s)` : '',
    created.network !== null ? 'the network' : '',
    created.volumes.length > 0 ? `${created.volumes.length} volume(s)` : '',
  ].filter(Boolean)
  const step = operation.step('rollback', `Remove what this run created: ${what.join(', ')}`)
  step.start()
  try {
    await Promise.all(created.containers.map((c) => removeContainer(docker, c.id, 5)))
    if (created.network !== null) await removeNetwork(docker, created.network)
    await Promise.all(created.volumes.map((name) => removeVolume(docker, name)))
    step.done()
  } catch (error) {
    const cause = toMaildockError(error)
    step.fail(
      new MaildockError(
        cause.code,
        `Could not clean up (${cause.message}). Run up or down again once the engine answers: they finish the job.`,
      ),
    )
  }
}
