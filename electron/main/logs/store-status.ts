import { statSync } from 'node:fs'
import type Database from 'better-sqlite3'
import type { LogStatus, Retention, StoreFault, StoreUpgrade } from '../../../shared/contract'
import type { BatchWriter } from './writer'

/** The collector's status while none is attached (the CLI's store, tests). */
export const noCollector = (): LogStatus['collector'] => ({
  containers: [],
  lines: 0,
  catchUps: 0,
  lastError: null,
})

/** The file's size in bytes; 0 when it does not exist (yet). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
  }
}

/** A `SELECT count(*) AS n` read again at most every `maxAgeMs` (it scans a table). */
export class CachedCount {
  private cached: { at: number; n: number } | undefined

  constructor(
    private readonly sql: string,
    private readonly maxAgeMs: number,
  ) {}

  read(db: Database.Database): number {
    const now = Date.now()
    if (!this.cached || now - this.cached.at > this.maxAgeMs) {
      this.cached = { at: now, n: (db.prepare(this.sql).get() as { n: number }).n }
    }
    return this.cached.n
  }

  forget(): void {
    this.cached = undefined
  }
}

/** What the writer did so far; `failed` is set while the store itself has failed. */
export function ingestStatus(
  writer: BatchWriter,
  failed: { reason: string | null } | null,
): LogStatus['ingest'] {
  const { stats, paused } = writer
  return {
    queued: writer.queued,
    maxQueued: writer.tuning.maxQueued,
    written: stats.written,
    duplicates: stats.duplicates,
    dropped: stats.dropped,
    refused: stats.refused,
    batches: stats.batches,
    lastBatchRows: stats.lastBatchRows,
    lastBatchMs: Math.round(stats.lastBatchMs * 100) / 100,
    paused: paused !== null || failed !== null,
    pausedReason: paused?.reason ?? failed?.reason ?? null,
    nextRetryAt: paused?.nextRetryAt ?? null,
  }
}

/** What a worker-backed store says while its worker is down (restarting, or closed). */
export function statusWhileDown(input: {
  path: string
  closed: boolean
  last: LogStatus | undefined
  crash: StoreFault | null
  queued: number
  maxQueued: number
  collector: LogStatus['collector']
  retention: Retention | undefined
  upgrade: StoreUpgrade | null
}): LogStatus {
  const { path, last, crash, upgrade } = input
  return {
    path,
    state: input.closed ? 'closed' : upgrade ? 'upgrading' : 'paused',
    sizeBytes: fileSize(path),
    walBytes: fileSize(`${path}-wal`),
    rows: last?.rows ?? 0,
    emails: last?.emails ?? 0,
    oldestTs: last?.oldestTs ?? null,
    newestTs: last?.newestTs ?? null,
    schemaVersion: last?.schemaVersion ?? 0,
    ingest: {
      ...(last?.ingest ?? EMPTY_INGEST),
      maxQueued: input.maxQueued,
      queued: input.queued,
      paused: true,
      pausedReason: upgrade?.message ?? crash?.message ?? 'the log store is starting',
      nextRetryAt: null,
    },
    collector: input.collector,
    retention: last?.retention ?? input.retention ?? { maxAgeDays: 30, maxSizeMb: 2_048 },
    compaction: last?.compaction ?? { lastRunAt: null, lastDeleted: 0, running: false },
    lastError: crash,
    upgrade,
  }
}

const EMPTY_INGEST: LogStatus['ingest'] = {
  queued: 0,
  maxQueued: 0,
  written: 0,
  duplicates: 0,
  dropped: 0,
  refused: 0,
  batches: 0,
  lastBatchRows: 0,
  lastBatchMs: 0,
  paused: false,
  pausedReason: null,
  nextRetryAt: null,
}
