import type Docker from 'dockerode'
import { MaildockError, type StackChange, type StackServiceName } from '../../../shared/contract'
import { RETRY_NOW_SIGNAL } from '../../../shared/backoff'
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
import { readyLineSeen } from './ready-line'
import { reportChecks, waitUntilReady } from './health'
import type { ObservedStack } from './observe'
import type { Operation, Step } from './operation'
import type { ReplicaAction, ServicePlan, StackPlan } from './plan'
import { planSteps, type PlanSteps, type ReplicaSteps, type ServiceSteps } from './apply-steps'
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

/** One run of applyPlan: what it changed, what it created, and the signal that stops its waits. */
interface ApplyRun {
  input: ApplyInput
  change: StackChange
  created: Created
  abort: AbortController
}

/**
 * Applies a plan: removals, network, volumes, then each service once what it depends on is
 * started or healthy (independent services in parallel). On failure, removes what this run
 * created and rethrows; containers it kept are left as they were.
 */
export async function applyPlan(input: ApplyInput): Promise<StackChange> {
  const run: ApplyRun = {
    input,
    change: emptyChange(),
    created: { containers: [], network: null, volumes: [] },
    abort: new AbortController(),
  }
  await checkPorts(input)
  const steps = planSteps(input.operation, input.definition, input.plan)
  try {
    await prepare(run, steps)
    await startServices(run, steps.services)
  } catch (error) {
    run.abort.abort()
    await rollback(input.docker, input.operation, run.created)
    throw error
  } finally {
    // Also ends what still follows a log for a hint (watchReadyLine): the run is over.
    run.abort.abort()
  }
  return run.change
}

/** Refuses a plan whose host ports clash with each other or, on a local engine, are taken. */
async function checkPorts({ definition, plan, observed, checkPorts }: ApplyInput): Promise<void> {
  const claims = portClaims(definition)
  checkPortClashes(claims)
  const changing = new Set(
    plan.services
      .filter((s) => s.replicas.some((r) => r.kind !== 'keep'))
      .map((s) => s.spec.service),
  )
  if (!checkPorts || changing.size === 0) return
  const ours = new Set(observed.containers.flatMap((c) => c.ports.map((p) => p.hostPort)))
  await checkPortsFree(
    claims.filter((c) => changing.has(c.service as StackServiceName)),
    ours,
  )
}

/** Removals, stray networks, then the network and volumes the services need. */
async function prepare({ input, change, created }: ApplyRun, steps: PlanSteps): Promise<void> {
  const { docker, definition, plan } = input
  await Promise.all(
    steps.removals.map(({ removal, step }) =>
      step.run(async () => {
        const spec = definition.services.find((s) => s.service === removal.container.service)
        await removeContainer(docker, removal.container.id, spec?.stopTimeoutSeconds ?? 10)
        change.removed.push(removal.container.name)
      }),
    ),
  )
  for (const { network, step } of steps.strayNetworks) {
    await step
      .run(() => removeNetwork(docker, network.id))
      .catch((error: unknown) => {
        // A stray network with something attached is left alone.
        if (toMaildockError(error).code === 'ENGINE_UNREACHABLE') throw error
      })
  }
  const labels = { ...definition.labels, [LABELS.stack]: definition.name }
  await steps.createNetwork?.run(async () => {
    const network = await engineCall(() =>
      docker.createNetwork({
        Name: plan.network.name,
        Driver: 'bridge',
        CheckDuplicate: true,
        Labels: labels,
      }),
    )
    created.network = network.id
  })
  await Promise.all(
    steps.volumes.map(({ name, step }) =>
      step.run(async () => {
        await engineCall(() => docker.createVolume({ Name: name, Labels: labels }))
        created.volumes.push(name)
      }),
    ),
  )
}

/**
 * When each service has started and when it is ready: what its dependants wait for. `accepting`:
 * it printed its ready line (ServiceSpec.readyLine), before its health check passed.
 */
interface Gates {
  started: Map<StackServiceName, Deferred>
  accepting: Map<StackServiceName, Deferred>
  ready: Map<StackServiceName, Deferred>
}

async function startServices(
  run: ApplyRun,
  steps: Map<StackServiceName, ServiceSteps>,
): Promise<void> {
  const services = run.input.plan.services
  const gates: Gates = {
    started: new Map(services.map((s) => [s.spec.service, deferred()])),
    accepting: new Map(services.map((s) => [s.spec.service, deferred()])),
    ready: new Map(services.map((s) => [s.spec.service, deferred()])),
  }
  const outcomes = await Promise.allSettled(
    services.map((service) => startService(run, service, steps.get(service.spec.service), gates)),
  )
  if (outcomes.some((o) => o.status === 'rejected')) throw pickRootCause(outcomes)
}

async function startService(
  run: ApplyRun,
  service: ServicePlan,
  steps: ServiceSteps | undefined,
  gates: Gates,
): Promise<void> {
  const name = service.spec.service
  try {
    await Promise.all(
      service.spec.dependsOn.map(
        (dep) =>
          (dep.condition === 'healthy' ? gates.ready : gates.started).get(dep.service)?.promise ??
          Promise.resolve(),
      ),
    )
    // Another service failed while this one waited for its dependencies: create nothing more.
    if (run.abort.signal.aborted) throw new MaildockError('CANCELLED', 'Cancelled.')
    const image = run.input.images.get(name)
    if (image === undefined) throw new MaildockError('INTERNAL', `No image resolved for ${name}`)
    const since = Date.now()
    const ids = await Promise.all(
      service.replicas.map((action, index) =>
        applyReplica(run, service, action, image, steps?.replicas[index]),
      ),
    )
    gates.started.get(name)?.resolve()
    if (steps?.health) {
      watchReadyLine(run, service, ids, since, steps.health, gates)
      retryWhenReady(run, service, ids, gates)
      await waitHealthy(run, service, ids, steps.health)
    }
    gates.ready.get(name)?.resolve()
  } catch (error) {
    gates.started.get(name)?.reject(error)
    gates.ready.get(name)?.reject(error)
    run.abort.abort()
    throw error
  }
}

/**
 * Opens the service's `accepting` gate when it prints its ready line, and notes the line in its
 * health step (until the run ends: the line may reach us just after the check passed).
 */
function watchReadyLine(
  run: ApplyRun,
  service: ServicePlan,
  ids: string[],
  since: number,
  health: Step,
  gates: Gates,
): void {
  const pattern = service.spec.readyLine
  if (pattern === undefined) return
  const { signal } = run.abort
  void readyLineSeen(run.input.docker, ids, pattern, since, signal).then((line) => {
    if (signal.aborted) return
    health.log([`${service.spec.service}: ${line}`])
    if (health.data.state === 'running')
      health.update({ detail: 'accepts connections; its health check follows' })
    gates.accepting.get(service.spec.service)?.resolve()
  })
}

/**
 * Once a dependency the service reconnects to accepts connections (its ready line), and again once
 * it is healthy, tells its replicas to try it now (RETRY_NOW_SIGNAL) rather than on their backoff.
 * Best effort: a replica that misses it still connects on its own.
 */
function retryWhenReady(run: ApplyRun, service: ServicePlan, ids: string[], gates: Gates): void {
  const tryNow = () =>
    Promise.all(
      ids.map((id) =>
        run.input.docker
          .getContainer(id)
          .kill({ signal: RETRY_NOW_SIGNAL })
          .catch(() => undefined),
      ),
    )
  for (const dep of service.spec.dependsOn.filter((d) => d.retryWhenHealthy === true)) {
    for (const gate of [gates.accepting, gates.ready])
      gate.get(dep.service)?.promise.then(tryNow, () => undefined)
  }
}

function waitHealthy(run: ApplyRun, service: ServicePlan, ids: string[], health: Step) {
  const name = service.spec.service
  const awaited = service.spec.dependsOn.filter((d) => d.retryWhenHealthy === true)
  return health.run(
    (step) => {
      if (awaited.length > 0) {
        step.update({
          detail: `connects once the ${awaited.map((d) => d.service).join(' and ')} takes connections`,
        })
      }
      return Promise.all(
        ids.map((id, index) => {
          const label = service.replicas.length > 1 ? `${name} replica ${index + 1}` : name
          return waitUntilReady(run.input.docker, id, {
            label,
            timeoutMs: run.input.definition.healthTimeoutSeconds * 1000,
            signal: run.abort.signal,
            onCheck: reportChecks(step, label),
          })
        }),
      ).catch((error: unknown) => {
        // Stopped because another step failed: not this service's failure.
        if (error instanceof MaildockError && error.code === 'CANCELLED') {
          step.skip('stopped: another step failed')
        }
        throw error
      })
    },
    () => (ids.length > 1 ? `${ids.length} replicas healthy` : 'healthy'),
  )
}

/** The first failure that is not just a cancellation caused by another one. */
function pickRootCause(outcomes: Array<PromiseSettledResult<unknown>>): unknown {
  const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason as unknown] : []))
  return reasons.find((r) => !(r instanceof MaildockError && r.code === 'CANCELLED')) ?? reasons[0]
}

/** Brings one replica to running; returns its container id. */
async function applyReplica(
  { input, change, created }: ApplyRun,
  service: ServicePlan,
  action: ReplicaAction,
  image: ImageRef,
  steps: ReplicaSteps | undefined,
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
