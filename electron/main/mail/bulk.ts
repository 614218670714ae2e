import { randomBytes } from 'node:crypto'
import {
  BLANK_EMAIL_ERROR,
  hasContent,
  MaildockError,
  templateVariables,
  type BulkSendProgress,
  type BulkSendResult,
  type BulkSendRow,
  type Compose,
  type CsvMapping,
} from '../../../shared/contract'
import { isRetryable, type BatchOutcome, type SendBatch } from './api-client'
import { checkEmail, fillAll } from './compose-check'
import { parseCsv, splitAddresses } from './csv'
import { errorMessage } from '../../../shared/error-message'

export interface BulkInput {
  csv: string
  mapping: CsvMapping
  template: { subject: string; text: string; html?: string | undefined }
  /** The send's name: every email of the batch carries it as a tag (X-Tags). Default: its id. */
  name?: string | undefined
}

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
}

type Listener = (progress: BulkSendProgress) => void

interface Job {
  progress: BulkSendProgress
  rows: BulkSendRow[]
  emails: Map<number, Compose>
  abort: AbortController
  listeners: Set<Listener>
  lastEmit: number
  timer: NodeJS.Timeout | undefined
}

/** Bulk sends from CSV: every row validated up front, good rows sent, each row's result kept. */
export class BulkSender {
  private readonly jobs = new Map<string, Job>()

  constructor(private readonly options: BulkOptions) {}

  start(input: BulkInput): BulkSendProgress {
    const parsed = parseCsv(input.csv)
    const mapped = Object.values(input.mapping).filter((column) => column !== undefined)
    const unknownColumn = mapped.find((column) => !parsed.columns.includes(column))
    if (unknownColumn !== undefined) {
      throw new MaildockError('INVALID_INPUT', `The CSV has no column "${unknownColumn}"`)
    }
    const unknownVariable = templateVariables(
      input.template.subject,
      input.template.text,
      input.template.html,
    ).find((name) => !parsed.columns.includes(name))
    if (unknownVariable !== undefined) {
      throw new MaildockError(
        'INVALID_INPUT',
        `The template uses {{${unknownVariable}}}, which is not a column of the CSV (columns: ${parsed.columns.join(', ')})`,
      )
    }
    if (parsed.rows.length === 0) throw new MaildockError('INVALID_INPUT', 'The CSV has no rows')
    if (!hasContent(input.template)) {
      throw new MaildockError(
        'INVALID_INPUT',
        `The template ${BLANK_EMAIL_ERROR}: give a subject or a body, or CSV columns named subject, text or html`,
      )
    }

    const batchId = `b${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
    const rows: BulkSendRow[] = []
    const emails = new Map<number, Compose>()
    for (const row of parsed.rows) {
      const to = splitAddresses(row.values[input.mapping.to])
      const base = { row: row.row, ...(to.length > 0 ? { to: to.join(', ') } : {}) }
      const invalid = (error: string) => rows.push({ ...base, status: 'invalid', error })
      if (row.problem !== undefined) {
        invalid(`row ${row.row} ${row.problem}`)
        continue
      }
      if (to.length === 0) {
        invalid(`no recipient in column "${input.mapping.to}"`)
        continue
      }
      const filled = fillAll(input.template, row.values)
      if (!filled.ok) {
        invalid(filled.error)
        continue
      }
      const checked = checkEmail({
        to,
        cc: input.mapping.cc === undefined ? [] : splitAddresses(row.values[input.mapping.cc]),
        bcc: input.mapping.bcc === undefined ? [] : splitAddresses(row.values[input.mapping.bcc]),
        subject: filled.subject,
        text: filled.text,
        ...(filled.html === undefined ? {} : { html: filled.html }),
        tags: [input.name ?? batchId],
      })
      if (!checked.ok) {
        invalid(checked.error)
        continue
      }
      emails.set(row.row, checked.email)
      rows.push({ ...base, status: 'pending' })
    }
    const invalid = rows.length - emails.size
    const job: Job = {
      progress: {
        batchId,
        state: 'running',
        total: rows.length,
        accepted: 0,
        invalid,
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
    }
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
    const size = this.options.batchSize ?? 500
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
    await Promise.all(Array.from({ length: this.options.concurrency ?? 2 }, worker))
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
    return { email, idempotencyKey: `${job.progress.batchId}-r${row.row}` }
  }

  private settle(
    job: Job,
    row: BulkSendRow,
    outcome: Partial<BulkSendRow> & Pick<BulkSendRow, 'status'>,
  ): void {
    Object.assign(row, outcome)
    job.emails.delete(row.row)
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
      for (const listener of job.listeners) listener({ ...job.progress })
    }
    if (final) {
      clearTimeout(job.timer)
      send()
    } else if (job.timer === undefined) {
      job.timer = setTimeout(send, Math.max(0, 100 - (Date.now() - job.lastEmit)))
    }
  }
}
