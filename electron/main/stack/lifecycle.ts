import type Docker from 'dockerode'
import { MaildockError, type StackChange, type StackServiceName } from '../../../shared/contract'
import { engineCall } from '../docker'
import { dependencyOrder, type StackDefinition } from './definition'
import {
  removeContainer,
  removeNetwork,
  removeVolume,
  startContainer,
  stopContainer,
} from './engine-ops'
import { reportChecks, waitUntilReady } from './health'
import { observeStack, type ObservedContainer } from './observe'
import type { Operation } from './operation'
import { emptyChange } from './apply'

/** Dependents before what they depend on: api, emailer and logger finish their work first. */
function shutdownOrder(definition: StackDefinition | null, containers: ObservedContainer[]) {
  const order = definition ? dependencyOrder(definition.services).map((s) => s.service) : []
  const rank = (c: ObservedContainer): number => {
    const at = order.indexOf(c.service as StackServiceName)
    return at < 0 ? order.length : at
  }
  const levels = new Map<number, ObservedContainer[]>()
  for (const container of containers) {
    const level = rank(container)
    levels.set(level, [...(levels.get(level) ?? []), container])
  }
  return [...levels.entries()].sort(([a], [b]) => b - a).map(([, group]) => group)
}

const stopTimeout = (definition: StackDefinition | null, service: string): number =>
  definition?.services.find((s) => s.service === service)?.stopTimeoutSeconds ?? 30

/** Removes every container and the network of the stack; its volumes too when asked. */
export async function downStack(
  docker: Docker,
  stack: string,
  definition: StackDefinition | null,
  volumes: boolean,
  operation: Operation,
): Promise<StackChange> {
  const change = emptyChange()
  const observed = await observeStack(docker, stack)
  const groups = shutdownOrder(definition, observed.containers)
  const steps = groups.map((group) =>
    group.map((container) => ({
      container,
      step: operation.step('remove', `Stop and remove ${container.name}`, null),
    })),
  )
  const networkSteps = observed.networks.map((network) => ({
    network,
    step: operation.step('network', `Remove network ${network.name}`),
  }))
  const volumeSteps = volumes
    ? observed.volumes.map((name) => ({
        name,
        step: operation.step('volume', `Remove volume ${name}`),
      }))
    : []
  for (const group of steps) {
    await Promise.all(
      group.map(({ container, step }) =>
        step.run(async () => {
          await removeContainer(docker, container.id, stopTimeout(definition, container.service))
          change.removed.push(container.name)
        }),
      ),
    )
  }
  for (const { network, step } of networkSteps) {
    await step.run(async () => {
      await removeNetwork(docker, network.id)
      change.removed.push(`network ${network.name}`)
    })
  }
  for (const { name, step } of volumeSteps) {
    await step.run(async () => {
      await removeVolume(docker, name)
      change.removed.push(`volume ${name}`)
    })
  }
  return change
}

async function instancesOf(docker: Docker, stack: string, service: StackServiceName) {
  const observed = await observeStack(docker, stack)
  const mine = observed.containers
    .filter((c) => c.service === service)
    .sort((a, b) => a.replica - b.replica)
  if (mine.length === 0) {
    throw new MaildockError(
      'NOT_FOUND',
      `The stack has no ${service} container: run up to create it.`,
      { service },
    )
  }
  return mine
}

async function waitAll(
  docker: Docker,
  containers: ObservedContainer[],
  service: StackServiceName,
  timeoutMs: number,
  operation: Operation,
): Promise<void> {
  const step = operation.step('health', `Wait until ${service} is healthy`, service)
  await step.run(() =>
    Promise.all(
      containers.map((c) => {
        const label = containers.length > 1 ? c.name : service
        return waitUntilReady(docker, c.id, {
          label,
          timeoutMs,
          onCheck: reportChecks(step, label),
        })
      }),
    ),
  )
}

export interface ServiceActionInput {
  docker: Docker
  stack: string
  definition: StackDefinition | null
  service: StackServiceName
  action: 'start' | 'stop' | 'restart'
  timeoutMs: number
  operation: Operation
}

/** Starts, stops or restarts every instance of one service (start and restart wait for health). */
export async function serviceAction(input: ServiceActionInput): Promise<StackChange> {
  const { docker, stack, definition, service, action, operation } = input
  const change = emptyChange()
  const containers = await instancesOf(docker, stack, service)
  // Its files go in between create and start (see plan.ts): up re-creates such a container.
  const unfinished = action === 'stop' ? [] : containers.filter((c) => c.state === 'created')
  if (unfinished.length > 0) {
    throw new MaildockError(
      'CONFLICT',
      `${unfinished.map((c) => c.name).join(', ')} was created but never started, so its set-up may be unfinished. Run up, which re-creates it.`,
    )
  }
  const timeout = stopTimeout(definition, service)
  const verb = { start: 'Start', stop: 'Stop', restart: 'Restart' }[action]
  await Promise.all(
    containers.map((c) =>
      operation.step(action, `${verb} ${c.name}`, service).run(async () => {
        if (action === 'stop') await stopContainer(docker, c.id, timeout)
        else if (action === 'start') await startContainer(docker, c.id, c.name)
        else await engineCall(() => docker.getContainer(c.id).restart({ t: timeout }))
        ;(action === 'stop' ? change.stopped : change.started).push(c.name)
      }),
    ),
  )
  if (action !== 'stop') await waitAll(docker, containers, service, input.timeoutMs, operation)
  return change
}
