import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import { MaildockError } from '../../../shared/contract'
import { brokenStream, isConnectionFailure, toMaildockError, type RawEngineEvent } from '../docker'
import { JsonLines } from '../lib/json-lines'
import { recentLogs } from './container-logs'
import type { Step } from './operation'

/** A failed health check while the container is still starting: its number and raw output. */
export interface HealthCheck {
  attempt: number
  output: string
}

export interface WaitReadyOptions {
  /** The service, for messages: "broker did not become healthy within 120 s". */
  label: string
  timeoutMs: number
  signal?: AbortSignal
  /** Each failed health check, once, while the container is not healthy yet. */
  onCheck?: (check: HealthCheck) => void
}

/**
 * What a health step shows while it waits: "waiting for the broker (attempt 3)" as its line (a
 * refused connection while a service starts is expected, not an error), the raw output in its logs.
 */
export function reportChecks(step: Step, label: string): (check: HealthCheck) => void {
  return ({ attempt, output }) => {
    step.update({ detail: `waiting for the ${label} (attempt ${attempt})` })
    step.log([`${label} check ${attempt}: ${output}`])
  }
}

type Verdict = { ready: true; health: boolean } | { ready: false; failure: string | null }

function verdictOf(info: Docker.ContainerInspectInfo): Verdict {
  const { State: state } = info
  if (!state.Running && !state.Restarting) {
    const how = state.Status === 'exited' ? `exited with code ${state.ExitCode}` : state.Status
    return { ready: false, failure: `${how}${state.Error ? `: ${state.Error}` : ''}` }
  }
  const health = state.Health
  if (health === undefined || health.Status === '' || health.Status === 'none') {
    return state.Running ? { ready: true, health: false } : { ready: false, failure: null }
  }
  return health.Status === 'healthy'
    ? { ready: true, health: true }
    : { ready: false, failure: null }
}

function lastCheckOutput(info: Docker.ContainerInspectInfo): string | null {
  const log = info.State.Health?.Log ?? []
  const last = log[log.length - 1]
  if (last === undefined || last.ExitCode === 0) return null
  const output = last.Output.replace(/\s+/g, ' ').trim()
  return `exit ${last.ExitCode}${output ? `: ${output.slice(0, 200)}` : ''}`
}

type Ready = { health: boolean }

/** Follows one container's health checks until it is ready, fails, or its time is up. */
class ReadinessWatch {
  readonly result: Promise<Ready>
  private resolve!: (ready: Ready) => void
  private reject!: (error: unknown) => void
  private settled = false
  private lastOutput: string | null = null
  // Docker keeps the last five checks: their start times count the failed ones seen so far.
  private readonly failedChecks = new Set<string>()
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly docker: Docker,
    private readonly id: string,
    private readonly options: WaitReadyOptions,
    private readonly cancelled: AbortSignal,
  ) {
    this.result = new Promise<Ready>((resolve, reject) => {
      this.resolve = resolve
      this.reject = reject
    })
    this.timer = setTimeout(() => this.settle(() => this.timedOut()), options.timeoutMs)
  }

  async check(): Promise<void> {
    const info = await this.docker.getContainer(this.id).inspect()
    const verdict = verdictOf(info)
    const output = lastCheckOutput(info)
    this.lastOutput = output ?? this.lastOutput
    const before = this.failedChecks.size
    for (const entry of info.State.Health?.Log ?? [])
      if (entry.ExitCode !== 0) this.failedChecks.add(entry.Start)
    if (output !== null && !verdict.ready && this.failedChecks.size > before)
      this.options.onCheck?.({ attempt: this.failedChecks.size, output })
    if (verdict.ready) this.settle(() => Promise.resolve({ health: verdict.health }))
    else if (verdict.failure !== null) {
      const label = this.options.label
      this.settle(() =>
        this.fail('CONFLICT', `${label} ${verdict.failure} before becoming healthy`),
      )
    }
  }

  onEvent(event: RawEngineEvent): void {
    const label = this.options.label
    if (event.Action === 'destroy') {
      this.settle(() => this.fail('CONFLICT', `${label} was removed while it was starting`))
    } else if (event.Action === 'die') {
      const code = event.Actor?.Attributes?.exitCode ?? '?'
      this.settle(() =>
        this.fail('CONFLICT', `${label} exited with code ${code} before becoming healthy`),
      )
    } else {
      this.check().catch(this.onError)
    }
  }

  readonly onError = (error: unknown): void => {
    if (this.cancelled.aborted)
      this.settle(() => Promise.reject(new MaildockError('CANCELLED', 'Cancelled.')))
    else
      this.settle(() =>
        Promise.reject(
          isConnectionFailure(error) ? brokenStream('Waiting for health') : toMaildockError(error),
        ),
      )
  }

  private settle(outcome: () => Promise<Ready>): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.timer)
    outcome().then(this.resolve, this.reject)
  }

  private async timedOut(): Promise<never> {
    const seconds = Math.round(this.options.timeoutMs / 1000)
    const info = await this.docker
      .getContainer(this.id)
      .inspect()
      .catch(() => null)
    this.lastOutput = (info && lastCheckOutput(info)) ?? this.lastOutput
    const said = this.lastOutput === null ? '' : ` (last health check: ${this.lastOutput})`
    return this.fail(
      'TIMEOUT',
      `${this.options.label} did not become healthy within ${seconds} s${said}`,
    )
  }

  private async fail(code: 'TIMEOUT' | 'CONFLICT', message: string): Promise<never> {
    const logs = await recentLogs(this.docker, this.id)
    throw new MaildockError(code, message, { logs, container: this.id })
  }
}

/**
 * Resolves when the container is healthy (or running, if it has no health check), following the
 * engine's events for it: no fixed sleeps. Fails at once if it exits or is removed, and after
 * the time-out with its last health check and its recent logs in `details.logs`.
 */
export async function waitUntilReady(
  docker: Docker,
  id: string,
  options: WaitReadyOptions,
): Promise<Ready> {
  if (options.signal?.aborted === true) throw new MaildockError('CANCELLED', 'Cancelled.')
  const controller = new AbortController()
  const abort = (): void => controller.abort()
  options.signal?.addEventListener('abort', abort, { once: true })
  let events: Readable
  try {
    events = (await docker.getEvents({
      filters: {
        type: ['container'],
        container: [id],
        event: ['health_status', 'exec_die', 'die', 'destroy'],
      },
      abortSignal: controller.signal,
    })) as unknown as Readable
  } catch (error) {
    options.signal?.removeEventListener('abort', abort)
    throw toMaildockError(error)
  }
  const watch = new ReadinessWatch(docker, id, options, controller.signal)
  const lines = new JsonLines<RawEngineEvent>((event) => watch.onEvent(event))
  events.on('data', (chunk: Buffer) => lines.push(chunk))
  events.on('error', watch.onError)
  events.on('close', () =>
    watch.onError(Object.assign(new Error('closed'), { code: 'ECONNRESET' })),
  )
  watch.check().catch(watch.onError)
  try {
    return await watch.result
  } finally {
    options.signal?.removeEventListener('abort', abort)
    controller.abort()
    events.destroy()
  }
}
