import { randomBytes } from 'node:crypto'
import {
  MaildockError,
  type BulkSendProgress,
  type BulkSendResult,
  type BulkSendRow,
  type Compose,
} from '../../../shared/contract'
import { isRetryable, type BatchOutcome, type SendBatch } from './api-client'
import {
  checkInput,
  newSendName,
  pendingRow,
  prepareRow,
  rowKey,
  type BulkInput,
} from './bulk-rows'
import type { CsvRow } from './csv'
import type { SendLedger, SendRecordRow } from './send-ledger'
import { errorMessage } from '../../../shared/error-message'

export type { BulkInput } from './bulk-rows'

/** Emails per request and requests in flight of a bulk send, unless its options say otherwise. */
export const BULK_BATCH_SIZE = 500
export const BULK_IN_FLIGHT = 2
/**
 * Rows checked and filled in at a time. A send starts with the first chunk and checks the rest
 * while its requests are in flight, yielding between chunks (about 10 ms each here), so neither
 * the first request nor the app's other work waits for a whole file to be checked.
 */
const PREPARE_CHUNK = 500

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
  input: BulkInput
  progress: BulkSendProgress
  rows: BulkSendRow[]
  /** The CSV's rows not checked yet, from `next` on (the rest have been). */
  unchecked: { csv: CsvRow[]; next: number }
  /** Checked rows waiting to be sent. */
  ready: BulkSendRow[]
  emails: Map<number, Compose>
  abort: AbortController
  listeners: Set<Listener>
  lastEmit: number
  timer: NodeJS.Timeout | undefined
  /** Settled rows not yet written to the ledger (written with each progress report). */
  unrecorded: BulkSendRow[]
  /** Wakes the workers waiting for rows to be checked. */
  waiting: (() => void) | undefined
}

/** The next rows to send, up to `size`: waits while fewer are ready and more are being checked. */
async function take(job: Job, size: number): Promise<BulkSendRow[]> {
  while (job.ready.length < size && job.unchecked.next < job.unchecked.csv.length) {
    const before = job.waiting
    await new Promise<void>((resolve) => {
      job.waiting = () => {
        job.waiting = undefined
        before?.()
        resolve()
      }
    })
  }
  return job.ready.splice(0, size)
}

/** Bulk sends from CSV: every row checked (the first chunk at once, the rest while sending), good rows sent, each row's result kept. */
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
    const csv = checkInput(input)
    const batchId = `b${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
    const rows = csv.map((row) => pendingRow(input, row))
    const job: Job = {
      name,
      input,
      progress: {
        batchId,
        name,
        state: 'running',
        total: rows.length,
        accepted: 0,
        invalid: 0,
        failed: 0,
        pending: rows.length,
        startedAt: Date.now(),
        rate: 0,
      },
      rows,
      unchecked: { csv, next: 0 },
      ready: [],
      emails: new Map(),
      abort: new AbortController(),
      listeners: new Set(),
      lastEmit: 0,
      timer: undefined,
      unrecorded: [],
      waiting: undefined,
    }
    this.checkChunk(job, true)
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
    const checking = this.checkRest(job)
    let send: SendBatch | undefined
    let openError: string | undefined
    try {
      send = await this.options.open()
    } catch (error) {
      openError = errorMessage(error)
    }
    const size = this.options.batchSize ?? BULK_BATCH_SIZE
    const worker = async () => {
      for (let rows = await take(job, size); rows.length > 0; rows = await take(job, size)) {
        if (send === undefined) {
          for (const row of rows) this.settle(job, row, { status: 'failed', error: openError })
        } else if (job.abort.signal.aborted) {
          for (const row of rows) this.settle(job, row, { status: 'cancelled' })
        } else {
          await this.sendRows(job, rows, send)
        }
      }
    }
    await Promise.all([
      checking,
      ...Array.from({ length: this.options.concurrency ?? BULK_IN_FLIGHT }, worker),
    ])
    job.progress.state = job.abort.signal.aborted ? 'cancelled' : 'done'
    job.progress.finishedAt = Date.now()
    this.emit(job, true)
  }

  /** Checks the rows not checked at the start, a chunk per turn of the event loop. */
  private async checkRest(job: Job): Promise<void> {
    while (job.unchecked.next < job.unchecked.csv.length) {
      await new Promise((resolve) => setImmediate(resolve))
      this.checkChunk(job, false)
    }
  }

  /** Checks the next chunk of rows: a bad row settles as invalid, a good one is ready to send. */
  private checkChunk(job: Job, starting: boolean): void {
    const { csv } = job.unchecked
    const end = Math.min(csv.length, job.unchecked.next + PREPARE_CHUNK)
    for (let index = job.unchecked.next; index < end; index += 1) {
      const row = job.rows[index]!
      const prepared = prepareRow(job.input, csv[index]!, job.name)
      if ('error' in prepared) {
        this.settle(job, row, { status: 'invalid', error: prepared.error }, !starting)
      } else {
        job.emails.set(row.row, prepared.email)
        job.ready.push(row)
      }
    }
    job.unchecked.next = end
    job.waiting?.()
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
    report = true,
  ): void {
    Object.assign(row, outcome)
    job.emails.delete(row.row)
    if (report) job.unrecorded.push(row)
    const { progress } = job
    progress.pending -= 1
    if (outcome.status === 'accepted') progress.accepted += 1
    if (outcome.status === 'failed') progress.failed += 1
    if (outcome.status === 'invalid') progress.invalid += 1
    if (!report) return
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
