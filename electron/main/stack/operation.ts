import { randomUUID } from 'node:crypto'
import {
  MaildockError,
  toErrorPayload,
  type ErrorPayload,
  type StackOperation,
  type StackOperationKind,
  type StackServiceName,
  type StackStep,
  type StackStepKind,
} from '../../../shared/contract'

const FLUSH_INTERVAL_MS = 100
const MAX_STEP_LOG_LINES = 200

/** One step of an operation, as the progress view shows it. */
export class Step {
  constructor(
    readonly data: StackStep,
    private readonly changed: (urgent: boolean) => void,
  ) {}

  start(detail?: string): this {
    this.data.state = 'running'
    this.data.startedAt = Date.now()
    if (detail !== undefined) this.data.detail = detail
    this.changed(true)
    return this
  }

  update(change: { detail?: string; progress?: StackStep['progress'] }): void {
    if (change.detail !== undefined) this.data.detail = change.detail
    if (change.progress !== undefined) this.data.progress = change.progress
    this.changed(false)
  }

  log(lines: readonly string[]): void {
    if (lines.length === 0) return
    const logs = this.data.logs
    logs.push(...lines)
    if (logs.length > MAX_STEP_LOG_LINES) logs.splice(0, logs.length - MAX_STEP_LOG_LINES)
    this.changed(false)
  }

  done(detail?: string): void {
    this.finish('done', detail)
  }

  skip(detail: string): void {
    this.finish('skipped', detail)
  }

  fail(error: unknown, logs: readonly string[] = []): void {
    this.log(logs)
    this.finish('failed', toErrorPayload(error).message)
  }

  /** Runs `work` as this step: started, then done or failed (the error is rethrown). */
  async run<T>(work: (step: Step) => Promise<T>, doneDetail?: (result: T) => string): Promise<T> {
    this.start()
    try {
      const result = await work(this)
      this.done(doneDetail?.(result))
      return result
    } catch (error) {
      if (this.data.state === 'running') this.fail(error, logsOf(error))
      throw error
    }
  }

  private finish(state: StackStep['state'], detail?: string): void {
    this.data.state = state
    this.data.startedAt ??= Date.now()
    this.data.endedAt = Date.now()
    if (detail !== undefined) this.data.detail = detail
    this.changed(true)
  }
}

/** Logs a failure carries in `details.logs` (a failing container's, a failed build's). */
export function logsOf(error: unknown): string[] {
  if (!(error instanceof MaildockError)) return []
  const details = error.details as { logs?: unknown } | undefined
  return Array.isArray(details?.logs) ? details.logs.map(String) : []
}

/** An operation's steps and outcome, pushed to listeners at most every 100 ms (at once on a state change). */
export class Operation {
  readonly id = randomUUID()
  readonly startedAt = Date.now()
  private readonly steps: Step[] = []
  private state: StackOperation['state'] = 'running'
  private error: ErrorPayload | null = null
  private summary: string | null = null
  private endedAt: number | null = null
  private timer: NodeJS.Timeout | undefined

  constructor(
    readonly kind: StackOperationKind,
    readonly stack: string,
    private readonly emit: (snapshot: StackOperation) => void,
  ) {}

  step(kind: StackStepKind, title: string, service: StackServiceName | null = null): Step {
    const step = new Step(
      {
        id: `${this.steps.length + 1}`,
        kind,
        service,
        title,
        state: 'pending',
        startedAt: null,
        endedAt: null,
        detail: null,
        progress: null,
        logs: [],
      },
      (urgent) => this.changed(urgent),
    )
    this.steps.push(step)
    this.changed(false)
    return step
  }

  succeed(summary: string): void {
    this.finish('succeeded', summary, null)
  }

  failWith(error: unknown): void {
    this.finish('failed', null, toErrorPayload(error))
  }

  snapshot(): StackOperation {
    const endedAt = this.endedAt
    return {
      id: this.id,
      kind: this.kind,
      stack: this.stack,
      state: this.state,
      startedAt: this.startedAt,
      endedAt,
      elapsedMs: (endedAt ?? Date.now()) - this.startedAt,
      steps: this.steps.map((step) => ({ ...step.data, logs: [...step.data.logs] })),
      error: this.error,
      summary: this.summary,
    }
  }

  private finish(
    state: StackOperation['state'],
    summary: string | null,
    error: ErrorPayload | null,
  ) {
    // Steps left pending or running when the operation ends did not happen.
    for (const step of this.steps) {
      if (step.data.state === 'pending') step.data.state = 'skipped'
      if (step.data.state === 'running') step.data.state = state === 'failed' ? 'failed' : 'done'
    }
    this.state = state
    this.summary = summary
    this.error = error
    this.endedAt = Date.now()
    this.changed(true)
  }

  private changed(urgent: boolean): void {
    if (urgent) {
      clearTimeout(this.timer)
      this.timer = undefined
      this.emit(this.snapshot())
      return
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined
      this.emit(this.snapshot())
    }, FLUSH_INTERVAL_MS)
  }
}
