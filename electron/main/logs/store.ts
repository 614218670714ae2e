import type Database from 'better-sqlite3'
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
import {
  describeFault,
  faultKindOf,
  moveAside,
  openForReading,
  openUpgrading,
  type FaultKind,
  type OpenOptions,
} from './database'
import { exportChunk, type ExportInput } from './export'
import {
  getEntries,
  recentMailMessages,
  histogramSteps,
  lastLineTs,
  searchEntries,
  timeBounds,
  type GetInput,
  type HistogramInput,
  type SearchInput,
} from './queries'
import { applyRetention, readRetention, writeRetention, type RetentionRun } from './retention'
import { RetentionRunner } from './retention-runner'
import {
  builtLines,
  rowsFromContainerLines,
  rowFromMailMessage,
  type ContainerLine,
  type ContainerRef,
  type LogRow,
} from './rows'
import { SCHEMA_VERSION } from './schema'
import type { OnBuilt } from './store-api'
import { CachedCount, fileSize, ingestStatus, noCollector } from './store-status'
import { BatchWriter, DEFAULT_WRITER_TUNING, type WriterFault, type WriterTuning } from './writer'
import { errorMessage } from '../../../shared/error-message'

export interface LogStoreOptions {
  path: string
  /** Used until the user sets their own (kept in the database). */
  defaultRetention?: Retention
  writer?: Partial<WriterTuning>
  open?: OpenOptions
  /** First retention pass after this long, then every retentionIntervalMs (0: never by itself). */
  retentionDelayMs?: number
  retentionIntervalMs?: number
  /** Matches a full-text histogram counts between two looks at what else is asked. */
  histogramStep?: number
  log?: (message: string, error?: unknown) => void
  /** An older file's upgrade, step by step while opening it; null once it is done (or failed). */
  onUpgrade?: (upgrade: StoreUpgrade | null) => void
}

export type CollectorStatus = LogStatus['collector']

/** Faults after which the file cannot be written until the user resets it. */
const FATAL: ReadonlySet<FaultKind> = new Set(['read-only', 'corrupt', 'io'])

/**
 * The log history: one SQLite file in WAL mode, written only by its BatchWriter, read by the
 * queries. Faults of the file or disk are reported in status(); `reset()` is the way out.
 */
export class LogStore {
  private db: Database.Database | undefined
  private state: LogStatus['state'] = 'closed'
  private fault: StoreFault | null = null
  private rows = 0
  private retention: Retention
  private readonly retentionRunner: RetentionRunner
  private readonly emailCount = new CachedCount('SELECT count(*) AS n FROM emails', 5_000)
  readonly writer: BatchWriter
  collectorStatus: () => CollectorStatus = noCollector

  constructor(private readonly options: LogStoreOptions) {
    this.retention = options.defaultRetention ?? { maxAgeDays: 30, maxSizeMb: 2_048 }
    this.writer = new BatchWriter(
      {
        database: () => (this.state === 'failed' ? undefined : this.ensureOpen()),
        onFault: (fault) => this.onWriteFault(fault),
        onCommitted: (written) => {
          this.rows += written
        },
        onResumed: () => {
          this.state = 'ready'
          this.options.log?.('log store: writing again')
        },
      },
      { ...DEFAULT_WRITER_TUNING, ...options.writer },
    )
    this.retentionRunner = new RetentionRunner(() => this.retentionPass(), {
      delayMs: options.retentionDelayMs ?? 60_000,
      intervalMs: options.retentionIntervalMs ?? 10 * 60_000,
      canSchedule: () => this.state !== 'closed',
      log: options.log,
    })
  }

  get path(): string {
    return this.options.path
  }

  /** Stores an email request or outcome event; resolves once committed (false: already stored). */
  async ingestMail(mail: MailMessage): Promise<{ stored: boolean }> {
    if (this.state === 'closed') this.ensureOpen()
    return { stored: await this.writer.addMailRow(rowFromMailMessage(mail)) }
  }

  /** Stores lines a container printed (a service name stands for a container of that name). */
  ingestLogLines(
    container: ContainerRef | string,
    lines: readonly ContainerLine[],
    onBuilt?: OnBuilt,
  ): { accepted: number; dropped: number } {
    const rows = rowsFromContainerLines(container, lines)
    const result = this.ingestRows(rows)
    onBuilt?.(builtLines(rows.slice(0, result.accepted)), lines.slice(0, result.accepted))
    return result
  }

  /** Queues rows made from container lines; those beyond the queue's bound are dropped. */
  ingestRows(rows: readonly LogRow[]): { accepted: number; dropped: number } {
    if (this.state === 'closed') this.ensureOpen()
    return this.writer.addLineRows(rows)
  }

  /** Resolves when everything queued so far is in the database. */
  flush(): Promise<void> {
    return this.writer.whenIdle()
  }

  // ----- queries -----

  search(input: SearchInput): LogSearchResult {
    return this.read((db) => searchEntries(db, input))
  }

  get(input: GetInput): LogGetResult {
    return this.read((db) => getEntries(db, input))
  }

  exportChunk(input: ExportInput): LogExportChunk {
    return this.read((db) => exportChunk(db, input))
  }

  /** In steps, each its own read (searches are answered between); a file reset meanwhile restarts it. */
  async histogram(input: HistogramInput): Promise<LogHistogram> {
    let counting: { db: Database.Database; steps: Generator<void, LogHistogram> } | undefined
    for (;;) {
      const next = this.read((db) => {
        if (counting?.db !== db)
          counting = { db, steps: histogramSteps(db, input, this.options.histogramStep) }
        return counting.steps.next()
      })
      if (next.done === true) return next.value
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** The open database for a reader (the CLI's streamed export); throws while it is unusable. */
  reader(): Database.Database {
    return this.read((db) => db)
  }

  /** The newest stored line of a container, to resume following it without a gap. */
  lastLineTs(container: string): number | null {
    return this.read((db) => lastLineTs(db, container))
  }

  /** The latest mail messages as received, oldest first (to rebuild tracking at start-up). */
  recentMailMessages(limit = 5_000): MailMessage[] {
    return this.read((db) => recentMailMessages(db, limit))
  }

  // ----- status, reset, retention -----

  status(): LogStatus {
    if (this.state === 'closed' || (this.state === 'failed' && this.fault?.kind === 'locked')) {
      this.ensureOpen()
    }
    const db = this.db
    let bounds: ReturnType<typeof timeBounds> = { lo: null, hi: null }
    let emails = 0
    if (db) {
      try {
        bounds = timeBounds(db)
        emails = this.emailCount.read(db)
      } catch (error) {
        this.noteReadFault(error)
      }
    }
    return {
      path: this.path,
      state: this.state,
      sizeBytes: fileSize(this.path),
      walBytes: fileSize(`${this.path}-wal`),
      rows: this.rows,
      emails,
      oldestTs: bounds.lo,
      newestTs: bounds.hi,
      schemaVersion: SCHEMA_VERSION,
      ingest: ingestStatus(
        this.writer,
        this.state === 'failed' ? { reason: this.fault?.message ?? null } : null,
      ),
      collector: this.collectorStatus(),
      retention: this.retention,
      compaction: this.retentionRunner.compaction,
      lastError: this.fault,
      upgrade: null,
    }
  }

  /** Moves the file aside (kept, never deleted) and starts a fresh one; queued rows go there. */
  reset(): { keptAs: string | null } {
    this.closeDatabase()
    let keptAs: string | null
    try {
      keptAs = moveAside(this.path, 'old')
    } catch (error) {
      throw new MaildockError(
        'UNAVAILABLE',
        `Cannot move ${this.path} aside: ${errorMessage(error)}`,
      )
    }
    this.state = 'closed'
    this.fault = null
    this.ensureOpen()
    if (this.db) {
      writeRetention(this.db, this.retention)
      this.writer.resume()
    }
    this.options.log?.(
      `log store: started a fresh database; the old one is kept as ${keptAs ?? '(none)'}`,
    )
    return { keptAs }
  }

  setRetention(retention: Retention): Retention {
    this.retention = retention
    const db = this.db
    if (db) this.guardWrite(() => writeRetention(db, retention))
    void this.retentionRunner.runQuietly()
    return retention
  }

  runRetention(): Promise<RetentionRun> {
    return this.retentionRunner.run()
  }

  async close(): Promise<void> {
    this.retentionRunner.stop()
    if (this.state !== 'failed') await Promise.race([this.flush(), delay(2_000)])
    this.writer.close()
    this.closeDatabase()
    this.state = 'closed'
  }

  private ensureOpen(): Database.Database | undefined {
    if (this.db) return this.db
    try {
      const { log, onUpgrade, open } = this.options
      const db = openUpgrading(this.path, open, (upgrade) => {
        onUpgrade?.(upgrade)
        if (upgrade) log?.(upgrade.message)
      })
      this.db = db
      this.retention = readRetention(db, this.retention)
      this.rows = (db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n
      this.state = 'ready'
      return db
    } catch (error) {
      const kind = faultKindOf(error) ?? 'unknown'
      this.setFault(kind, error)
      this.state = 'failed'
      // A file that cannot be written can often still be searched.
      if (kind === 'read-only') this.db = openForReading(this.path)
      return undefined
    }
  }

  private read<T>(query: (db: Database.Database) => T): T {
    const db =
      this.db ??
      (this.state === 'failed' && this.fault?.kind !== 'locked' ? undefined : this.ensureOpen())
    if (!db) throw this.unavailable()
    this.writer.noteRead()
    try {
      return query(db)
    } catch (error) {
      if (this.noteReadFault(error)) throw this.unavailable()
      throw error
    }
  }

  /** Returns true when the error was a fault of the file (now reported in status). */
  private noteReadFault(error: unknown): boolean {
    const kind = faultKindOf(error)
    if (kind === undefined) return false
    this.setFault(kind, error)
    if (kind === 'corrupt' || kind === 'io') {
      this.closeDatabase()
      this.state = 'failed'
    }
    return true
  }

  private onWriteFault({ kind, error }: WriterFault): 'retry' | 'hold' {
    this.setFault(kind, error)
    if (kind === 'unknown') return 'retry'
    this.options.log?.(`log store: ${this.fault?.message ?? kind}`)
    if (FATAL.has(kind)) {
      // Read-only files stay open for searching; damaged ones are closed.
      if (kind !== 'read-only') this.closeDatabase()
      this.state = 'failed'
      return 'hold'
    }
    this.state = 'paused'
    return 'retry'
  }

  private guardWrite(write: () => void): void {
    try {
      write()
    } catch (error) {
      const kind = faultKindOf(error)
      if (kind === undefined) throw error
      this.onWriteFault({ kind, error })
    }
  }

  private setFault(kind: FaultKind, error: unknown): void {
    this.fault = { kind, message: describeFault(kind, this.path, error), at: Date.now() }
  }

  private unavailable(): MaildockError {
    const message = this.fault?.message ?? `The log database ${this.path} is not open`
    return new MaildockError(
      'UNAVAILABLE',
      `${message}. Reset the log database to start a fresh one; the old file is kept.`,
      { fault: this.fault, wayOut: 'logs:reset-db' },
    )
  }

  private closeDatabase(): void {
    try {
      this.db?.close()
    } catch {
      // Closing a damaged file can fail too; it is being abandoned either way.
    }
    this.db = undefined
  }

  private async retentionPass(): Promise<RetentionRun> {
    try {
      const run = await applyRetention(() => this.db, this.retention)
      this.rows = Math.max(0, this.rows - run.deleted)
      this.emailCount.forget()
      return run
    } catch (error) {
      this.noteReadFault(error)
      throw error
    }
  }
}

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref())
