import { statSync } from 'node:fs'
import type { LogStatus } from '../../../shared/contract'
import type { BatchWriter } from './writer'

/** The file's size in bytes; 0 when it does not exist (yet). */
export function fileSize(file: string): number {
  try {
    return statSync(file).size
  } catch {
    return 0
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
