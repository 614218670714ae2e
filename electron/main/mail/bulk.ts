import { randomBytes } from 'node:crypto'
import {
  MaildockError,
  type BulkSendProgress,
  type BulkSendResult,
  type BulkSendRow,
  type Compose,
} from '../../../shared/contract'
import { isRetryable, type BatchOutcome, type SendBatch } from './api-client'
import { newSendName, prepareBulk, rowKey, type BulkInput } from './bulk-rows'
import type { SendLedger, SendRecordRow } from './send-ledger'
import { errorMessage } from '../../../shared/error-message'

export type { BulkInput } from './bulk-rows'

/** Emails per request and requests in flight of a bulk send, unless its options say otherwise. */
export const BULK_BATCH_SIZE = 500
export const BULK_IN_FLIGHT = 2

export interface BulkOptions {
  /** Opens one bulk send: looks the stack's endpoints up once, for every batch of the send. */
  open: () => Promise<SendBatch>
  /** Emails per request. */
  batchSize?: number
  /** Requests in flight. */
  concurrency?: number
  /** Tries per row for transient failures (API or broker briefly down). */
  attempts?: number
  retryDelayMs?: number
  /** Batches kept for their results. */
  keep?: number
  /** Where each send and its rows are recorded durably (the log store), for its report. */
  ledger?: SendLedger | undefined
  log?: (message: string, error?: unknown) => void
}

type Listener = (progress: BulkSendProgress) => void

interface Job {
  name: string
  progress: BulkSendProgress
  rows: BulkSendRow[]
  emails: Map<number, Compose>
  abort: AbortController
  listeners: Set<Listener>
  lastEmit: number
  timer: NodeJS.Timeout | undefined
  /** Settled rows not yet written to the ledger (written with each progress report). */
  unrecorded: BulkSendRow[]
}

/** Bulk sends from CSV: every row validated up front, good rows sent, each row's result kept. */
export class BulkSender {
  private readonly jobs = new Map<string, Job>()

  constructor(private readonly options: BulkOptions) {}

  /**
   * Starts a send. While a send of the same name runs, starting it again returns that one: a
   * second click never sends a row twice (and a later one reuses the same keys).
   */
  start(input: BulkInput): BulkSendProgress {
    const name = input.name ?? newSendName()
    const running = [...this.jobs.values()].find(
      (job) => job.name === name && job.progress.state === 'running',
    )
    if (running !== undefined) return { ...running.progress }
    const { rows, emails } = prepareBulk(input, name)
    const batchId = `b${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
    const job: Job = {
      name,
      progress: {
        batchId,
        name,
        state: 'running',
        total: rows.length,
        accepted: 0,
        invalid: rows.length - emails.size,
        failed: 0,
        pending: emails.size,
        startedAt: Date.now(),
        rate: 0,
      },
      rows,
      emails,
      abort: new AbortController(),
      listeners: new Set(),
      lastEmit: 0,
      timer: undefined,
      unrecorded: [],
    }
    this.record(() =>
      this.options.ledger?.open({
        name,
        kind: 'bulk',
        createdAt: job.progress.startedAt,
        rows: rows.map((row) => recordRow(name, row)),
      }),
    )
    this.remember(batchId, job)
    void this.run(job)
    return { ...job.progress }
  }

  result(batchId: string): BulkSendResult {
    const job = this.job(batchId)
    return { ...job.progress, rows: job.rows.map((row) => ({ ...row })) }
  }

  cancel(batchId: string): BulkSendProgress {
    const job = this.job(batchId)
    job.abort.abort()
    return { ...job.progress }
  }

  /** Follows a batch: the current progress now, then at most every 100 ms, and the final one. */
  follow(batchId: string, listener: Listener): () => void {
    const job = this.job(batchId)
    listener({ ...job.progress })
    job.listeners.add(listener)
    return () => job.listeners.delete(listener)
  }

  private job(batchId: string): Job {
    const job = this.jobs.get(batchId)
    if (job === undefined) throw new MaildockError('NOT_FOUND', `No bulk send ${batchId}`)
    return job
  }

  private remember(batchId: string, job: Job): void {
    this.jobs.set(batchId, job)
    const keep = this.options.keep ?? 20
    for (const [id, old] of this.jobs) {
      if (this.jobs.size <= keep) break
      if (old.progress.state !== 'running') this.jobs.delete(id)
    }
  }

  private async run(job: Job): Promise<void> {
    const queue = job.rows.filter((row) => row.status === 'pending')
    let send: SendBatch | undefined
    try {
      send = await this.options.open()
    } catch (error) {
      for (const row of queue)
        this.settle(job, row, { status: 'failed', error: errorMessage(error) })
    }
    const size = this.options.batchSize ?? BULK_BATCH_SIZE
    const worker = async () => {
      for (let rows = queue.splice(0, size); rows.length > 0; rows = queue.splice(0, size)) {
        if (send === undefined) return
        if (job.abort.signal.aborted) {
          for (const row of rows) this.settle(job, row, { status: 'cancelled' })
          continue
        }
        await this.sendRows(job, rows, send)
      }
    }
    await Promise.all(Array.from({ length: this.options.concurrency ?? BULK_IN_FLIGHT }, worker))
    job.progress.state = job.abort.signal.aborted ? 'cancelled' : 'done'
    job.progress.finishedAt = Date.now()
    this.emit(job, true)
  }

  /** Sends rows as one batch; rows the broker did not store go again (same keys) until attempts run out. */
  private async sendRows(job: Job, rows: BulkSendRow[], send: SendBatch): Promise<void> {
    const attempts = this.options.attempts ?? 5
    let left = rows
    for (let attempt = 1; left.length > 0; attempt += 1) {
      const lastTry = attempt >= attempts || job.abort.signal.aborted
      let outcomes: BatchOutcome[]
      try {
        outcomes = await send(left.map((row) => this.item(job, row)))
      } catch (error) {
        if (!isRetryable(error) || lastTry) {
          for (const row of left)
            this.settle(job, row, { status: 'failed', error: errorMessage(error) })
          return
        }
        outcomes = left.map(() => ({ status: 'unavailable', message: errorMessage(error) }))
      }
      const again: BulkSendRow[] = []
      left.forEach((row, index) => {
        const outcome = outcomes[index]
        if (outcome?.status === 'accepted') {
          this.settle(job, row, { status: 'accepted', emailId: outcome.id })
        } else if (outcome?.status === 'unavailable' && !lastTry) {
          again.push(row)
        } else {
          const error =
            outcome === undefined ? 'the API gave no result for this row' : outcome.message
          this.settle(job, row, { status: 'failed', error })
        }
      })
      left = again
      if (left.length > 0) {
        await new Promise((resolve) =>
          setTimeout(resolve, (this.options.retryDelayMs ?? 500) * 2 ** (attempt - 1)),
        )
      }
    }
  }

  private item(job: Job, row: BulkSendRow): { email: Compose; idempotencyKey: string } {
    const email = job.emails.get(row.row)
    if (email === undefined) throw new Error(`row ${row.row} has no email`)
    return { email, idempotencyKey: rowKey(job.name, row.row) }
  }

  private settle(
    job: Job,
    row: BulkSendRow,
    outcome: Partial<BulkSendRow> & Pick<BulkSendRow, 'status'>,
  ): void {
    Object.assign(row, outcome)
    job.emails.delete(row.row)
    job.unrecorded.push(row)
    const { progress } = job
    progress.pending -= 1
    if (outcome.status === 'accepted') progress.accepted += 1
    if (outcome.status === 'failed') progress.failed += 1
    const seconds = (Date.now() - progress.startedAt) / 1000
    progress.rate = seconds > 0 ? Math.round((progress.accepted / seconds) * 10) / 10 : 0
    this.emit(job, false)
  }

  private emit(job: Job, final: boolean): void {
    const send = () => {
      job.timer = undefined
      job.lastEmit = Date.now()
      const settled = job.unrecorded.splice(0)
      this.record(() =>
        this.options.ledger?.update(
          job.name,
          settled.map((row) => recordRow(job.name, row)),
        ),
      )
      for (const listener of job.listeners) listener({ ...job.progress })
    }
    if (final) {
      clearTimeout(job.timer)
      send()
    } else if (job.timer === undefined) {
      job.timer = setTimeout(send, Math.max(0, 100 - (Date.now() - job.lastEmit)))
    }
  }

  /** The ledger is the report's source, not the send's: a store fault never stops a send. */
  private record(write: () => unknown): void {
    const failed = (error: unknown) =>
      this.options.log?.('bulk send: could not record the send in the log store', error)
    try {
      // The ledger answers in order; a send goes on while its record is written.
      void Promise.resolve(write()).catch(failed)
    } catch (error) {
      failed(error)
    }
  }
}

function recordRow(name: string, row: BulkSendRow): SendRecordRow {
  return {
    row: row.row,
    to: row.to ?? null,
    emailId:
      row.emailId ??
      (row.status === 'invalid' || row.status === 'pending' ? null : rowKey(name, row.row)),
    status: row.status,
    error: row.error ?? null,
  }
}
