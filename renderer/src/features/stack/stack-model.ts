import type {
  StackInstance,
  StackOperation,
  StackPort,
  StackServiceName,
  StackServiceStatus,
  StackStatus,
  StackStep,
} from '../../../../shared/contract'
import type { DotState } from '../../ui/StatusDot'

export const serviceLabels: Record<StackServiceName, string> = {
  broker: 'Broker',
  api: 'API',
  emailer: 'Emailer',
  logger: 'Logger',
  catcher: 'Mail catcher',
}

export const serviceRoles: Record<StackServiceName, string> = {
  broker: 'RabbitMQ: queues every email',
  api: 'HTTP API that accepts emails',
  emailer: 'sends each email over SMTP',
  logger: 'records every mail event',
  catcher: 'SMTP server that keeps what it receives',
}

/** What the whole stack is doing, in words and a colour. */
export const stackStateView: Record<
  StackStatus['state'],
  { label: string; color: string; dot: DotState }
> = {
  up: { label: 'Running', color: 'green', dot: 'ok' },
  starting: { label: 'Starting', color: 'yellow', dot: 'warn' },
  partial: { label: 'Partly running', color: 'orange', dot: 'warn' },
  stopped: { label: 'Stopped', color: 'gray', dot: 'idle' },
  absent: { label: 'Not created', color: 'gray', dot: 'idle' },
  unknown: { label: 'Unknown', color: 'red', dot: 'error' },
}

export function serviceDot(service: StackServiceStatus): DotState {
  if (!service.enabled) return 'idle'
  if (service.health === 'unhealthy') return 'error'
  switch (service.state) {
    case 'running':
      return 'ok'
    case 'starting':
    case 'degraded':
      return 'warn'
    default:
      return 'idle'
  }
}

export const runningInstances = (service: StackServiceStatus): StackInstance[] =>
  service.instances.filter((i) => i.state === 'running')

/** The longest-running instance's start, so uptime reads as "the service has been up for…". */
export function serviceStartedAt(service: StackServiceStatus): number | null {
  const starts = runningInstances(service)
    .map((i) => i.startedAt)
    .filter((at): at is number => at !== null)
  return starts.length === 0 ? null : Math.min(...starts)
}

export const serviceRestarts = (service: StackServiceStatus): number =>
  service.instances.reduce((sum, i) => sum + i.restarts, 0)

export function publishedPorts(service: StackServiceStatus): StackPort[] {
  const seen = new Set<string>()
  const ports: StackPort[] = []
  for (const port of service.instances.flatMap((i) => i.ports)) {
    if (port.hostPort === null) continue
    const key = `${port.hostPort}/${port.protocol}`
    if (seen.has(key)) continue
    seen.add(key)
    ports.push(port)
  }
  return ports
}

/** A container in the stack runs other settings than the form asks for: `up` re-creates it. */
export const isOutdated = (service: StackServiceStatus): boolean =>
  service.instances.some((i) => i.upToDate === false && i.state !== 'missing')

/** "45 s", "12 min", "3 h 05 min", "2 d 4 h". */
export function formatUptime(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000))
  if (seconds < 60) return `${seconds} s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes} min`
  const hours = Math.floor(minutes / 60)
  if (hours < 48) return `${hours} h ${String(minutes % 60).padStart(2, '0')} min`
  return `${Math.floor(hours / 24)} d ${hours % 24} h`
}

// ----- operations -----

export const operationVerbs: Record<StackOperation['kind'], { running: string; done: string }> = {
  up: { running: 'Starting the stack', done: 'Start' },
  down: { running: 'Stopping the stack', done: 'Stop' },
  restart: { running: 'Restarting', done: 'Restart' },
  start: { running: 'Starting', done: 'Start' },
  stop: { running: 'Stopping', done: 'Stop' },
  scale: { running: 'Scaling the emailer', done: 'Scale' },
}

/** "Restarting logger" for one-service operations, named after their first step's service. */
export function operationTitle(operation: StackOperation): string {
  const verb = operationVerbs[operation.kind]
  const service = operation.steps.find((s) => s.service !== null)?.service
  const oneService = ['restart', 'start', 'stop'].includes(operation.kind)
  const what = oneService && service ? ` ${serviceLabels[service].toLowerCase()}` : ''
  if (operation.state === 'running') return `${verb.running}${what}…`
  if (operation.state === 'failed') return `${verb.done}${what} failed`
  return `${verb.done}${what} finished`
}

export const isFinished = (step: StackStep): boolean =>
  step.state === 'done' || step.state === 'skipped' || step.state === 'failed'

export function stepElapsed(step: StackStep, now: number): number | null {
  if (step.startedAt === null) return null
  // The renderer's clock ticks every half second: never show a step as started in the future.
  return Math.max(0, (step.endedAt ?? now) - step.startedAt)
}

export const operationElapsed = (operation: StackOperation, now: number): number =>
  operation.endedAt === null
    ? Math.max(operation.elapsedMs, now - operation.startedAt)
    : operation.elapsedMs

/** The failing step's logs, else the ones the error carries (`details.logs`). */
/**
 * The failed step the operation's error is about: steps that ran side by side (pulls, builds) can
 * fail together, and the error names only one of them.
 */
export function failedStep(operation: StackOperation): StackStep | undefined {
  const failed = operation.steps.filter((s) => s.state === 'failed')
  const message = operation.error?.message ?? ''
  const about = (detail: string | null) =>
    detail !== null && detail !== '' && (message.includes(detail) || detail.includes(message))
  return failed.find((s) => about(s.detail)) ?? failed[0]
}

export function failureLogs(operation: StackOperation): string[] {
  const failed = failedStep(operation)
  if (failed && failed.logs.length > 0) return failed.logs
  const details = operation.error?.details
  if (typeof details === 'object' && details !== null && 'logs' in details) {
    const logs = details.logs
    if (Array.isArray(logs)) return logs.map(String)
  }
  return []
}

/** What the user asked for, so "Retry" can ask again. */
export type StackRequest =
  | { kind: 'up' }
  | { kind: 'down'; volumes: boolean }
  | { kind: 'restart'; service: StackServiceName }
  | { kind: 'start' | 'stop'; service: StackServiceName }
  | { kind: 'scale'; replicas: number }

/** The request that retries a failed operation: the one this window made, or `up` for an up. */
export function retryRequestFor(
  operation: StackOperation,
  lastRequest: StackRequest | null,
): StackRequest | null {
  if (lastRequest?.kind === operation.kind) return lastRequest
  if (operation.kind === 'up') return { kind: 'up' }
  return null
}

export function describeRequest(request: StackRequest): string {
  switch (request.kind) {
    case 'up':
      return 'Start the stack'
    case 'down':
      return request.volumes ? 'Stop the stack and remove its volumes' : 'Stop the stack'
    case 'scale':
      return `Scale the emailer to ${request.replicas}`
    default:
      return `${operationVerbs[request.kind].done} ${serviceLabels[request.service].toLowerCase()}`
  }
}
