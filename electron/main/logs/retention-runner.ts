import type { LogStatus } from '../../../shared/contract'
import type { RetentionRun } from './retention'

export interface RetentionRunnerOptions {
  /** First pass after this long, then every intervalMs (0: never by itself). */
  delayMs: number
  intervalMs: number
  /** False while the store is closed: no pass is scheduled then. */
  canSchedule: () => boolean
  log?: ((message: string, error?: unknown) => void) | undefined
}

/**
 * Runs the store's retention passes one at a time: on a timer (after a first delay, then on an
 * interval counted from the end of the last pass) and on demand, and keeps what status() shows.
 */
export class RetentionRunner {
  private timer: NodeJS.Timeout | undefined
  private readonly last: LogStatus['compaction'] = {
    lastRunAt: null,
    lastDeleted: 0,
    running: false,
  }

  constructor(
    private readonly pass: () => Promise<RetentionRun>,
    private readonly options: RetentionRunnerOptions,
  ) {
    if (options.delayMs > 0) this.startTimer(options.delayMs)
  }

  get compaction(): LogStatus['compaction'] {
    return { ...this.last }
  }

  /** One pass now; while one runs, another asked for deletes nothing. */
  async run(): Promise<RetentionRun> {
    if (this.last.running) return { deleted: 0, emailsDeleted: 0 }
    this.last.running = true
    try {
      const run = await this.pass()
      this.last.lastDeleted = run.deleted
      return run
    } finally {
      this.last.running = false
      this.last.lastRunAt = Date.now()
      if (this.options.intervalMs > 0 && this.options.canSchedule()) {
        this.startTimer(this.options.intervalMs)
      }
    }
  }

  /** A pass whose failure is only logged (timers, a changed setting). */
  async runQuietly(): Promise<void> {
    try {
      await this.run()
    } catch (error) {
      this.options.log?.('log store: retention failed', error)
    }
  }

  stop(): void {
    clearTimeout(this.timer)
    this.timer = undefined
  }

  private startTimer(ms: number): void {
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.runQuietly(), ms)
    this.timer.unref()
  }
}
