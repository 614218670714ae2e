import type { Worker } from 'node:worker_threads'
import {
  MaildockError,
  type LogExportChunk,
  type LogGetResult,
  type LogHistogram,
  type LogSearchResult,
  type LogStatus,
  type Retention,
  type StoreFault,
  type StoreUpgrade,
} from '../../../shared/contract'
import type { MailMessage } from '../../../shared/messages'
import type { EmailOutcome, SendLedger, SendRecord } from '../mail'
import type { ExportInput } from './export'
import type { GetInput, HistogramInput, SearchInput } from './queries'
import type { RetentionRun } from './retention'
import type { ContainerLine, ContainerRef } from './rows'
import type { CollectorStatus, LogStoreOptions } from './store'
import type { AsyncSendLedger, OnBuilt } from './store-api'
import { statusWhileDown } from './store-status'
import { endWorker, startWorker } from './store-worker-start'
import {
  restoreError,
  linesMessage,
  packLines,
  unpackLines,
  type FromWorker,
  type LineBatch,
  type StoreOp,
  type ToWorker,
  type WorkerHeap,
} from './store-protocol'
import { DEFAULT_WRITER_TUNING } from './writer'

export interface WorkerLogStoreOptions extends LogStoreOptions {
  /** Waits before starting the worker again after it stopped unexpectedly, one per attempt. */
  restartDelaysMs?: readonly number[]
}

/** How long close() waits for the worker to close its store before ending the thread. */
const CLOSE_WAIT_MS = 5_000

interface Call {
  op: StoreOp
  args: unknown[]
  resolve: (value: unknown) => void
  reject: (error: Error) => void
  /** Sent again to a restarted worker (writes the caller waits for), rather than failed. */
  replay: boolean
}

/**
 * The log store on a thread of its own: the same operations as LogStore, async. Lines go over
 * raw in batches (the worker makes the rows) and stay here until the worker says they are
 * committed, and mail events until they are stored, so a worker that stops (reported as the
 * store's fault) is started again and given them once more: nothing acknowledged is lost (the
 * rows made again have the same keys, and rows dedupe by key).
 */
export class WorkerLogStore {
  private worker: Worker | undefined
  private readonly calls = new Map<number, Call>()
  private nextId = 1
  /** Line batches sent and not yet committed, oldest first. */
  private lines: LineBatch[] = []
  private seq = 0
  private inFlightRows = 0
  private pendingMail = 0
  private readonly counts = { dropped: 0, refused: 0, restarts: 0 }
  private crash: StoreFault | null = null
  private crashError: string | undefined
  private restartTimer: NodeJS.Timeout | undefined
  private attempt = 0
  private closed = false
  private readonly maxQueued: number
  collectorStatus: () => CollectorStatus = () => ({
    containers: [],
    lines: 0,
    catchUps: 0,
    lastError: null,
  })

  constructor(private readonly options: WorkerLogStoreOptions) {
    this.maxQueued = options.writer?.maxQueued ?? DEFAULT_WRITER_TUNING.maxQueued
    this.start()
  }

  get path(): string {
    return this.options.path
  }

  /** How often the worker was started again after it stopped. */
  get restarts(): number {
    return this.counts.restarts
  }

  // ----- ingestion -----

  /** Resolves once the worker committed it (false: already stored); rejects when too far behind. */
  async ingestMail(mail: MailMessage): Promise<{ stored: boolean }> {
    if (this.closed || this.queued() >= this.maxQueued) {
      this.counts.refused += 1
      throw new MaildockError(
        'UNAVAILABLE',
        this.closed
          ? 'The log store is closed'
          : `The log store is behind (${this.queued()} rows waiting); send the event again later`,
      )
    }
    this.pendingMail += 1
    try {
      return (await this.call('ingestMail', [mail], true)) as { stored: boolean }
    } finally {
      this.pendingMail -= 1
    }
  }

  /**
   * Sends lines a container printed as one batch (those beyond the queue's bound are dropped);
   * the worker makes the rows, and `onBuilt` gets what the Tail needs of them, once.
   */
  ingestLogLines(
    container: ContainerRef | string,
    lines: readonly ContainerLine[],
    onBuilt?: OnBuilt,
  ): { accepted: number; dropped: number } {
    const room = this.closed ? 0 : Math.max(0, this.maxQueued - this.queued())
    const accepted = Math.min(room, lines.length)
    const dropped = lines.length - accepted
    this.counts.dropped += dropped
    if (accepted > 0) {
      const batch: LineBatch = {
        seq: ++this.seq,
        container,
        lines: packLines(accepted < lines.length ? lines.slice(0, accepted) : lines),
        now: Date.now(),
        onBuilt,
      }
      this.lines.push(batch)
      this.inFlightRows += accepted
      this.post(linesMessage(batch))
      this.worker?.ref()
    }
    return { accepted, dropped }
  }

  /** Resolves when everything sent so far is committed. */
  async flush(): Promise<void> {
    if (this.closed) return
    await this.call('flush', [], true)
  }

  // ----- queries -----

  search(input: SearchInput): Promise<LogSearchResult> {
    return this.call('search', [input]) as Promise<LogSearchResult>
  }

  get(input: GetInput): Promise<LogGetResult> {
    return this.call('get', [input]) as Promise<LogGetResult>
  }

  exportChunk(input: ExportInput): Promise<LogExportChunk> {
    return this.call('exportChunk', [input]) as Promise<LogExportChunk>
  }

  histogram(input: HistogramInput): Promise<LogHistogram> {
    return this.call('histogram', [input]) as Promise<LogHistogram>
  }

  lastLineTs(container: string): Promise<number | null> {
    return this.call('lastLineTs', [container]) as Promise<number | null>
  }

  recentMailMessages(limit?: number): Promise<MailMessage[]> {
    return this.call('recentMailMessages', limit === undefined ? [] : [limit]) as Promise<
      MailMessage[]
    >
  }

  /** The sends ledger, kept in the worker's database. */
  readonly ledger: AsyncSendLedger = {
    open: (record) => this.ledgerCall('open', record) as Promise<void>,
    update: (name, rows) => this.ledgerCall('update', name, rows) as Promise<void>,
    read: (name) => this.ledgerCall('read', name) as Promise<SendRecord | undefined>,
    outcomes: (name) => this.ledgerCall('outcomes', name) as Promise<Map<string, EmailOutcome>>,
  }

  // ----- status, reset, retention -----

  /** The worker thread's V8 heap (what a memory figure needs to tell it from the main thread's). */
  heap(): Promise<WorkerHeap> {
    return this.call('heap', []) as Promise<WorkerHeap>
  }

  async status(): Promise<LogStatus> {
    // An upgrade holds the worker until it is done: its progress is the answer meanwhile.
    if (this.worker === undefined || this.upgrade !== null) return this.statusWhileDown()
    let status: LogStatus
    try {
      status = (await this.call('status', [])) as LogStatus
    } catch (error) {
      if (this.worker === undefined) return this.statusWhileDown()
      throw error
    }
    this.lastStatus = status
    return {
      ...status,
      ingest: {
        ...status.ingest,
        queued: Math.max(status.ingest.queued, this.queued()),
        dropped: status.ingest.dropped + this.counts.dropped,
        refused: status.ingest.refused + this.counts.refused,
      },
      collector: this.collectorStatus(),
      lastError: status.lastError ?? this.crash,
    }
  }

  async reset(): Promise<{ keptAs: string | null }> {
    const result = (await this.call('reset', [])) as { keptAs: string | null }
    this.crash = null
    return result
  }

  setRetention(retention: Retention): Promise<Retention> {
    return this.call('setRetention', [retention]) as Promise<Retention>
  }

  runRetention(): Promise<RetentionRun> {
    return this.call('runRetention', []) as Promise<RetentionRun>
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearTimeout(this.restartTimer)
    const worker = this.worker
    if (worker === undefined) return this.failAll('The log store is closed')
    const closing = this.call('close', [], false, true)
    await endWorker(worker, closing, CLOSE_WAIT_MS)
    this.failAll('The log store is closed')
  }

  /** Stops the worker at once, as a crash would (the store restarts it). */
  async kill(): Promise<void> {
    await this.worker?.terminate()
  }

  // ----- the worker -----

  private lastStatus: LogStatus | undefined
  private upgrade: StoreUpgrade | null = null

  private start(): void {
    // The worker gets what can cross to it: no functions.
    const { log: _l, onUpgrade: _u, restartDelaysMs: _d, ...storeOptions } = this.options
    const worker = startWorker(storeOptions)
    this.worker = worker
    this.crashError = undefined
    worker.on('message', (message: FromWorker) => this.receive(message))
    worker.on('error', (error) => {
      this.crashError = error.message
    })
    worker.on('exit', (code) => this.exited(worker, code))
    // Sent again in order: the worker commits them, duplicates of committed rows are ignored.
    for (const batch of this.lines) worker.postMessage(linesMessage(batch))
    for (const [id, call] of this.calls) {
      worker.postMessage({ kind: 'call', id, op: call.op, args: call.args } satisfies ToWorker)
    }
    this.updateRef()
  }

  private receive(message: FromWorker): void {
    this.attempt = 0
    if (message.kind === 'log') {
      this.options.log?.(message.message, message.error)
    } else if (message.kind === 'upgrade') {
      this.upgrade = message.upgrade
    } else if (message.kind === 'built') {
      this.built(message)
    } else if (message.kind === 'committed') {
      while (this.lines.length > 0 && (this.lines[0]?.seq ?? Infinity) <= message.seq) {
        this.inFlightRows -= this.lines.shift()?.lines.stderr.length ?? 0
      }
    } else {
      const call = this.calls.get(message.id)
      this.calls.delete(message.id)
      if (message.ok) call?.resolve(message.value)
      else call?.reject(restoreError(message.error))
    }
    this.updateRef()
  }

  /** A batch made again by a restarted worker was reported before: its listener is not told twice. */
  private built({ seq, ts, keys, levels }: Extract<FromWorker, { kind: 'built' }>): void {
    const batch = this.lines.find((waiting) => waiting.seq === seq)
    const onBuilt = batch?.onBuilt
    if (batch === undefined || onBuilt === undefined) return
    batch.onBuilt = undefined
    try {
      onBuilt({ ts, keys, levels }, unpackLines(batch.lines))
    } catch (error) {
      this.options.log?.('log store: a listener of new lines failed', error)
    }
  }

  private exited(worker: Worker, code: number): void {
    if (this.worker !== worker) return
    this.worker = undefined
    this.upgrade = null
    if (this.closed) return
    const why = this.crashError ?? `exit code ${code}`
    this.crash = {
      kind: 'unknown',
      message: `The log store's worker thread stopped (${why}); it is started again and given what it had not written yet`,
      at: Date.now(),
    }
    this.options.log?.(`log store: ${this.crash.message}`)
    for (const [id, call] of this.calls) {
      if (call.replay) continue
      this.calls.delete(id)
      call.reject(this.unavailable())
    }
    const delays = this.options.restartDelaysMs ?? [100, 1_000, 5_000, 30_000]
    const wait = delays[Math.min(this.attempt, delays.length - 1)] ?? 1_000
    this.attempt += 1
    this.restartTimer = setTimeout(() => {
      this.counts.restarts += 1
      this.start()
    }, wait)
  }

  private call(
    op: StoreOp,
    args: unknown[],
    replay = false,
    whileClosed = false,
  ): Promise<unknown> {
    if (this.closed && !whileClosed) {
      return Promise.reject(new MaildockError('UNAVAILABLE', 'The log store is closed'))
    }
    if (this.worker === undefined && !replay) return Promise.reject(this.unavailable())
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.calls.set(id, { op, args, resolve, reject, replay })
      this.post({ kind: 'call', id, op, args })
      this.updateRef()
    })
  }

  private ledgerCall(method: keyof SendLedger, ...args: unknown[]): Promise<unknown> {
    return this.call('ledger', [method, ...args])
  }

  private post(message: ToWorker): void {
    // While the worker is down, what must not be lost waits in `lines` and `calls`.
    this.worker?.postMessage(message)
  }

  /** The worker keeps the process alive only while something waits on it. */
  private updateRef(): void {
    if (this.calls.size > 0 || this.lines.length > 0) this.worker?.ref()
    else this.worker?.unref()
  }

  private queued(): number {
    return this.inFlightRows + this.pendingMail
  }

  private unavailable(): MaildockError {
    const message = this.crash?.message ?? `The log database ${this.path} is not open`
    return new MaildockError('UNAVAILABLE', `${message}. Try again in a moment.`, {
      fault: this.crash,
    })
  }

  private statusWhileDown(): LogStatus {
    return statusWhileDown({
      path: this.path,
      closed: this.closed,
      last: this.lastStatus,
      crash: this.crash,
      queued: this.queued(),
      maxQueued: this.maxQueued,
      collector: this.collectorStatus(),
      retention: this.options.defaultRetention,
      upgrade: this.upgrade,
    })
  }

  private failAll(message: string): void {
    const error = new MaildockError('UNAVAILABLE', message)
    for (const call of this.calls.values()) call.reject(error)
    this.calls.clear()
  }
}
