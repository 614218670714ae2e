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

/**
 * Resolves when the container is healthy (or running, if it has no health check), following the
 * engine's events for it: no fixed sleeps. Fails at once if it exits or is removed, and after
 * the time-out with its last health check and its recent logs in `details.logs`.
 */
export async function waitUntilReady(
  docker: Docker,
  id: string,
  options: WaitReadyOptions,
): Promise<{ health: boolean }> {
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
  const fail = async (code: 'TIMEOUT' | 'CONFLICT', message: string): Promise<never> => {
    const logs = await recentLogs(docker, id)
    throw new MaildockError(code, message, { logs, container: id })
  }
  try {
    return await new Promise<{ health: boolean }>((resolve, reject) => {
      let settled = false
      const settle = (outcome: () => Promise<{ health: boolean }>): void => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        outcome().then(resolve, reject)
      }
      let lastOutput: string | null = null
      // Docker keeps the last five checks: their start times count the failed ones seen so far.
      const failedChecks = new Set<string>()
      const check = async (): Promise<void> => {
        const info = await docker.getContainer(id).inspect()
        const verdict = verdictOf(info)
        const output = lastCheckOutput(info)
        lastOutput = output ?? lastOutput
        const before = failedChecks.size
        for (const entry of info.State.Health?.Log ?? [])
          if (entry.ExitCode !== 0) failedChecks.add(entry.Start)
        if (output !== null && !verdict.ready && failedChecks.size > before)
          options.onCheck?.({ attempt: failedChecks.size, output })
        if (verdict.ready) settle(() => Promise.resolve({ health: verdict.health }))
        else if (verdict.failure !== null) {
          settle(() =>
            fail('CONFLICT', `${options.label} ${verdict.failure} before becoming healthy`),
          )
        }
      }
      const timer = setTimeout(() => {
        const seconds = Math.round(options.timeoutMs / 1000)
        settle(async () => {
          const info = await docker
            .getContainer(id)
            .inspect()
            .catch(() => null)
          lastOutput = (info && lastCheckOutput(info)) ?? lastOutput
          const said = lastOutput === null ? '' : ` (last health check: ${lastOutput})`
          return fail(
            'TIMEOUT',
            `${options.label} did not become healthy within ${seconds} s${said}`,
          )
        })
      }, options.timeoutMs)
      const onError = (error: unknown): void => {
        if (controller.signal.aborted)
          settle(() => Promise.reject(new MaildockError('CANCELLED', 'Cancelled.')))
        else
          settle(() =>
            Promise.reject(
              isConnectionFailure(error)
                ? brokenStream('Waiting for health')
                : toMaildockError(error),
            ),
          )
      }
      const lines = new JsonLines<RawEngineEvent>((event) => {
        if (event.Action === 'destroy') {
          settle(() => fail('CONFLICT', `${options.label} was removed while it was starting`))
        } else if (event.Action === 'die') {
          const code = event.Actor?.Attributes?.exitCode ?? '?'
          settle(() =>
            fail('CONFLICT', `${options.label} exited with code ${code} before becoming healthy`),
          )
        } else {
          check().catch(onError)
        }
      })
      events.on('data', (chunk: Buffer) => lines.push(chunk))
      events.on('error', onError)
      events.on('close', () => onError(Object.assign(new Error('closed'), { code: 'ECONNRESET' })))
      check().catch(onError)
    })
  } finally {
    options.signal?.removeEventListener('abort', abort)
    controller.abort()
    events.destroy()
  }
}
