import type Database from 'better-sqlite3'
import { MaildockError } from '../../../shared/contract'
import { faultKindOf, type FaultKind } from './database'
import type { LogRow } from './rows'
import { flushWordPairs } from './word-pairs'

export interface WriterTuning {
  /** A batch goes out this long after the first row waits... */
  intervalMs: number
  /** ...or as soon as this many rows wait. Also the most rows one transaction holds. */
  batchRows: number
  /** While someone reads, a transaction should hold the thread about this long (batches adapt)... */
  targetBatchMs: number
  /** ...and this long when nobody read for `readerWindowMs`: larger transactions, more rows/s. */
  bulkBatchMs: number
  readerWindowMs: number
  /** Rows held in memory at most; beyond it lines are dropped (counted) and mail events refused. */
  maxQueued: number
  /** Waits before retrying after the disk filled up or the file was locked. */
  retryDelaysMs: readonly number[]
}

export const DEFAULT_WRITER_TUNING: WriterTuning = {
  intervalMs: 50,
  batchRows: 5_000,
  targetBatchMs: 25,
  bulkBatchMs: 250,
  readerWindowMs: 2_000,
  maxQueued: 200_000,
  retryDelaysMs: [1_000, 2_000, 5_000, 10_000, 30_000],
}

interface Queued {
  row: LogRow
  /** Mail events wait for their commit (the subscriber acks the broker only then). */
  settle?: { resolve: (stored: boolean) => void; reject: (error: Error) => void }
}

export interface WriterFault {
  kind: FaultKind
  error: unknown
}

export interface WriterHooks {
  /** The open database, or undefined while the store is closed or failed. */
  database(): Database.Database | undefined
  /** A write failed for a reason of the file or disk; returns whether to retry later. */
  onFault(fault: WriterFault): 'retry' | 'hold'
  /** A batch committed after a pause. */
  onResumed(): void
  /** A batch committed, adding this many new rows. */
  onCommitted?(written: number): void
}

function prepare(db: Database.Database) {
  const entry = db.prepare(`
    INSERT OR IGNORE INTO entries
      (ts, source, service, container, stream, level, email_id, status, text, raw, dedup)
    VALUES
      (@ts, @source, @service, @container, @stream, @level, @emailId, @status, @text, @raw, @dedup)`)
  const email = db.prepare(`
    INSERT INTO emails (email_id, subject, first_ts) VALUES (?, ?, ?)
    ON CONFLICT (email_id) DO UPDATE SET
      subject = coalesce(emails.subject, excluded.subject),
      first_ts = min(emails.first_ts, excluded.first_ts)`)
  const recipient = db.prepare(
    'INSERT OR IGNORE INTO email_recipients (address, email_id) VALUES (?, ?)',
  )
  return db.transaction((items: Queued[], stored: boolean[]) => {
    for (const { row } of items) {
      const { email: facts, ...columns } = row
      stored.push(entry.run(columns).changes > 0)
      if (facts) {
        email.run(facts.emailId, facts.subject, facts.ts)
        for (const address of facts.recipients) recipient.run(address, facts.emailId)
      }
    }
    flushWordPairs(db)
  })
}

/**
 * The one writer: rows wait in a bounded queue and go to SQLite in transactions of up to
 * `batchRows`, every `intervalMs`. A batch that fails for the disk or the file stays queued (so
 * nothing is lost) and is retried with backoff while ingestion reports itself paused.
 */
export class BatchWriter {
  /** Taken slots are emptied at once (their rows are garbage then), the array is shortened later. */
  private queue: (Queued | undefined)[] = []
  private head = 0
  private timer: NodeJS.Timeout | undefined
  private immediate: NodeJS.Immediate | undefined
  private retryAttempt = 0
  /** Rows the next transaction takes: halved after a slow batch, doubled after a quick one. */
  private batchSize: number
  /** No batch before this time (ms): the writer's share of the event loop is bounded. */
  private restUntil = 0
  private lastReadAt = -Infinity
  private writeBatch: ReturnType<typeof prepare> | undefined
  private preparedFor: Database.Database | undefined
  private idleWaiters: Array<() => void> = []
  private closed = false

  readonly stats = {
    written: 0,
    duplicates: 0,
    dropped: 0,
    refused: 0,
    batches: 0,
    lastBatchRows: 0,
    lastBatchMs: 0,
    failedRows: 0,
  }
  paused: { reason: string; nextRetryAt: number | null } | null = null

  constructor(
    private readonly hooks: WriterHooks,
    readonly tuning: WriterTuning = DEFAULT_WRITER_TUNING,
  ) {
    this.batchSize = tuning.batchRows
  }

  get queued(): number {
    return this.queue.length - this.head
  }

  /** Resolves true when stored, false when it was already there; rejects when the queue is full. */
  addMailRow(row: LogRow): Promise<boolean> {
    if (this.closed || this.queued >= this.tuning.maxQueued) {
      this.stats.refused += 1
      return Promise.reject(
        new MaildockError(
          'UNAVAILABLE',
          this.closed
            ? 'The log store is closed'
            : `The log store is behind (${this.queued} rows waiting${this.paused ? `: ${this.paused.reason}` : ''}); send the event again later`,
        ),
      )
    }
    return new Promise<boolean>((resolve, reject) => {
      this.queue.push({ row, settle: { resolve, reject } })
      this.schedule()
    })
  }

  /** Queues lines; those beyond the bound are dropped and counted. */
  addLineRows(rows: readonly LogRow[]): { accepted: number; dropped: number } {
    const room = this.closed ? 0 : Math.max(0, this.tuning.maxQueued - this.queued)
    const accepted = Math.min(room, rows.length)
    for (let i = 0; i < accepted; i += 1) this.queue.push({ row: rows[i] as LogRow })
    const dropped = rows.length - accepted
    this.stats.dropped += dropped
    if (accepted > 0) this.schedule()
    return { accepted, dropped }
  }

  /** A query ran: for a while batches stay short and the writer rests between them. */
  noteRead(now = Date.now()): void {
    this.lastReadAt = now
  }

  private get readersActive(): boolean {
    return Date.now() - this.lastReadAt < this.tuning.readerWindowMs
  }

  /** Resolves once everything queued so far is committed (waits through a pause). */
  whenIdle(): Promise<void> {
    if (this.queued === 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve)
      this.schedule(true)
    })
  }

  /** Retry now (after a reset, or when the user asks). */
  resume(): void {
    if (this.paused) this.paused = { ...this.paused, nextRetryAt: Date.now() }
    clearTimeout(this.timer)
    this.timer = undefined
    this.schedule(true)
  }

  /** Stops timers; queued mail events are refused (their sender redelivers them). */
  close(): void {
    this.closed = true
    clearTimeout(this.timer)
    if (this.immediate) clearImmediate(this.immediate)
    const error = new MaildockError(
      'UNAVAILABLE',
      'The log store closed before this event was written',
    )
    for (let i = this.head; i < this.queue.length; i += 1) this.queue[i]?.settle?.reject(error)
    this.queue = []
    this.head = 0
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private schedule(now = false): void {
    if (this.closed || this.queued === 0 || this.immediate) return
    if (this.paused) {
      if (this.timer === undefined && this.paused.nextRetryAt !== null) {
        const wait = Math.max(0, this.paused.nextRetryAt - Date.now())
        this.timer = setTimeout(() => this.flushFromTimer(), wait)
      }
      return
    }
    const rest = this.restUntil - Date.now()
    if (rest > 0) {
      this.timer ??= setTimeout(() => this.flushFromTimer(), rest)
    } else if (now || this.queued >= this.tuning.batchRows) {
      clearTimeout(this.timer)
      this.timer = undefined
      this.immediate = setImmediate(() => {
        this.immediate = undefined
        this.flush()
      })
    } else {
      this.timer ??= setTimeout(() => this.flushFromTimer(), this.tuning.intervalMs)
    }
  }

  private flushFromTimer(): void {
    this.timer = undefined
    this.flush()
  }

  /** Writes one batch; more is scheduled right after, so the event loop breathes between them. */
  flush(): void {
    const db = this.hooks.database()
    if (this.closed || this.queued === 0 || !db) return
    if (this.preparedFor !== db) {
      this.writeBatch = prepare(db)
      this.preparedFor = db
    }
    const end = Math.min(this.queue.length, this.head + this.batchSize)
    const items = this.queue.slice(this.head, end) as Queued[]
    const stored: boolean[] = []
    const started = performance.now()
    try {
      this.writeBatch?.(items, stored)
    } catch (error) {
      this.failed(items, error)
      return
    }
    this.queue.fill(undefined, this.head, end)
    this.head = end
    if (this.head > 10_000 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head)
      this.head = 0
    }
    const ms = performance.now() - started
    this.recordBatch(items, stored, ms)
    this.adaptBatchSize(items.length, ms)
    if (this.paused) {
      this.paused = null
      this.retryAttempt = 0
      this.hooks.onResumed()
    }
    if (this.queued > 0) {
      // While someone reads, a backlog is written at most about half the time.
      const rest = this.idleWaiters.length === 0 && this.readersActive
      this.restUntil = rest ? Date.now() + Math.min(50, ms) : 0
      this.schedule(true)
    } else for (const resolve of this.idleWaiters.splice(0)) resolve()
  }

  private adaptBatchSize(rows: number, ms: number): void {
    const { batchRows } = this.tuning
    const targetBatchMs = this.readersActive ? this.tuning.targetBatchMs : this.tuning.bulkBatchMs
    if (ms > targetBatchMs * 2) this.batchSize = Math.max(100, Math.floor(this.batchSize / 2))
    else if (ms < targetBatchMs / 2 && rows >= this.batchSize) {
      this.batchSize = Math.min(batchRows, this.batchSize * 2)
    }
  }

  private recordBatch(items: Queued[], stored: boolean[], ms: number): void {
    let written = 0
    items.forEach((item, i) => {
      const isNew = stored[i] === true
      if (isNew) written += 1
      item.settle?.resolve(isNew)
    })
    this.stats.written += written
    this.hooks.onCommitted?.(written)
    this.stats.duplicates += items.length - written
    this.stats.batches += 1
    this.stats.lastBatchRows = items.length
    this.stats.lastBatchMs = ms
  }

  private failed(items: Queued[], error: unknown): void {
    const kind = faultKindOf(error)
    if (kind === undefined) {
      // Not the disk or the file: these rows themselves cannot be written. Skip them, say so.
      this.queue.fill(undefined, this.head, this.head + items.length)
      this.head += items.length
      this.stats.failedRows += items.length
      const reason = error instanceof Error ? error : new Error(String(error))
      for (const item of items) item.settle?.reject(reason)
      this.hooks.onFault({ kind: 'unknown', error })
      this.schedule(true)
      return
    }
    const decision = this.hooks.onFault({ kind, error })
    const delays = this.tuning.retryDelaysMs
    const delay = delays[Math.min(this.retryAttempt, delays.length - 1)] ?? 5_000
    this.retryAttempt += 1
    this.paused = {
      reason: pauseReason(kind),
      nextRetryAt: decision === 'retry' ? Date.now() + delay : null,
    }
    this.schedule()
  }
}

function pauseReason(kind: FaultKind): string {
  switch (kind) {
    case 'full':
      return 'the disk is full (SQLITE_FULL): ingestion is paused, nothing stored is lost'
    case 'locked':
      return 'the database is locked by another program'
    case 'read-only':
      return 'the database is read-only'
    case 'corrupt':
      return 'the database is damaged'
    case 'io':
      return 'a disk I/O error'
    case 'unknown':
      return 'an unexpected database error'
  }
}
