import { z } from 'zod'
import { MAX_NAME } from './bounds'
import { channel, event } from './define'
import { mailStatuses } from './mail-statuses'

/*
 * The log store and the live tail. Times are milliseconds since the epoch; sizes are bytes.
 * A search result page carries an opaque cursor: pass it back for the next (older) page.
 */

export const logLevels = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
export const logLevelSchema = z.enum(logLevels)
export type LogLevel = z.infer<typeof logLevelSchema>

export const mailStatusSchema = z.enum(mailStatuses)
export type MailStatus = z.infer<typeof mailStatusSchema>

/** event: a mail message from the app's subscription; container: a line a container printed. */
export const logSourceSchema = z.enum(['event', 'container'])
export type LogSource = z.infer<typeof logSourceSchema>

export const logEntrySchema = z.object({
  id: z.number(),
  /** The store's duplicate key (hex); a tail line carries the same key as its stored row. */
  key: z.string(),
  ts: z.number(),
  source: logSourceSchema,
  service: z.string(),
  container: z.string().nullable(),
  stream: z.enum(['stdout', 'stderr']).nullable(),
  level: logLevelSchema,
  emailId: z.string().nullable(),
  status: mailStatusSchema.nullable(),
  /** From the email's request, when the store has seen it. */
  subject: z.string().nullable(),
  recipients: z.array(z.string()),
  text: z.string(),
  /** The line or message exactly as received. */
  raw: z.string(),
})
export type LogEntry = z.infer<typeof logEntrySchema>

const trimmed = z.string().trim()

export const logQuerySchema = z
  .object({
    /** Full text: words, "phrases", prefix*, AND/OR/NOT; broken syntax is searched as plain text. */
    text: trimmed.max(2000).optional(),
    services: z.array(z.string().min(1).max(MAX_NAME)).max(50).optional(),
    /** Container names (lines only). */
    containers: z.array(z.string().min(1).max(MAX_NAME)).max(50).optional(),
    levels: z.array(logLevelSchema).max(20).optional(),
    statuses: z.array(mailStatusSchema).max(20).optional(),
    sources: z.array(logSourceSchema).max(20).optional(),
    /** An address (case-insensitive), or `@domain` for every address there. */
    recipient: trimmed.max(254).optional(),
    emailId: trimmed.max(128).optional(),
    /** Inclusive lower and exclusive upper bound on ts. */
    from: z.number().optional(),
    to: z.number().optional(),
  })
  .strict()
export type LogQuery = z.infer<typeof logQuerySchema>

export const logSearchInput = z
  .object({
    query: logQuerySchema.default({}),
    cursor: z.string().max(100).optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict()

export const logSearchResultSchema = z.object({
  entries: z.array(logEntrySchema),
  /** Null when there is nothing older. */
  nextCursor: z.string().nullable(),
  /** Set when the full-text query was not valid syntax and was searched as plain words. */
  notice: z.string().nullable(),
  tookMs: z.number(),
})
export type LogSearchResult = z.infer<typeof logSearchResultSchema>

export const emailSummarySchema = z.object({
  emailId: z.string(),
  subject: z.string().nullable(),
  recipients: z.array(z.string()),
  firstTs: z.number().nullable(),
  lastTs: z.number().nullable(),
  /** The latest outcome: sent, failed, retrying... (null if only the request is known). */
  lastStatus: mailStatusSchema.nullable(),
})
export type EmailSummary = z.infer<typeof emailSummarySchema>

export const logGetInput = z.union([
  z.object({ id: z.number().int() }).strict(),
  z.object({ emailId: z.string().min(1).max(128) }).strict(),
])

export const logGetResultSchema = z.object({
  /** The entry asked for by id (null when asked by email id, or when it is gone). */
  entry: logEntrySchema.nullable(),
  email: emailSummarySchema.nullable(),
  /** Everything recorded for the email, oldest first (at most 5,000 entries). */
  timeline: z.array(logEntrySchema),
  truncated: z.boolean(),
})
export type LogGetResult = z.infer<typeof logGetResultSchema>

export const exportFormatSchema = z.enum(['jsonl', 'csv'])
export type ExportFormat = z.infer<typeof exportFormatSchema>

/**
 * Export is pulled in chunks: each call returns up to maxBytes of text and a cursor. It works the
 * same over IPC and WebSocket, main never holds the result set, and the renderer assembles a Blob
 * for the download (no file dialog is needed in browser mode).
 */
export const logExportInput = z
  .object({
    query: logQuerySchema.default({}),
    format: exportFormatSchema.default('jsonl'),
    cursor: z.string().max(100).optional(),
    maxBytes: z
      .number()
      .int()
      .min(1024)
      .max(4 * 1024 * 1024)
      .default(1024 * 1024),
  })
  .strict()

export const logExportChunkSchema = z.object({
  /** JSONL lines, or CSV rows (the first chunk starts with the header). */
  chunk: z.string(),
  rows: z.number(),
  nextCursor: z.string().nullable(),
})
export type LogExportChunk = z.infer<typeof logExportChunkSchema>

export const logHistogramInput = z
  .object({
    query: logQuerySchema.default({}),
    /** About how many buckets to draw; the bucket width is rounded to a readable step. */
    buckets: z.number().int().min(5).max(500).default(60),
  })
  .strict()

export const histogramBucketSchema = z.object({
  t: z.number(),
  total: z.number(),
  warn: z.number(),
  /** error and fatal */
  error: z.number(),
})

export const logHistogramSchema = z.object({
  bucketMs: z.number(),
  from: z.number(),
  to: z.number(),
  buckets: z.array(histogramBucketSchema),
  notice: z.string().nullable(),
})
export type LogHistogram = z.infer<typeof logHistogramSchema>

export const retentionSchema = z.object({
  /** Entries older than this are removed (null: kept forever). */
  maxAgeDays: z.number().positive().max(3650).nullable(),
  /** The oldest entries are removed while the database is larger (null: no limit). */
  maxSizeMb: z
    .number()
    .int()
    .min(16)
    .max(1024 * 1024)
    .nullable(),
})
export type Retention = z.infer<typeof retentionSchema>

export const storeFaultSchema = z.object({
  kind: z.enum(['locked', 'read-only', 'corrupt', 'full', 'io', 'unknown']),
  message: z.string(),
  at: z.number(),
})
export type StoreFault = z.infer<typeof storeFaultSchema>

export const storeUpgradeSchema = z.object({ message: z.string(), fraction: z.number() })
export type StoreUpgrade = z.infer<typeof storeUpgradeSchema>

export const logStatusSchema = z.object({
  path: z.string(),
  /**
   * ready; upgrading: an older file is brought up to this schema (searches wait for it); paused:
   * writing stopped for now (disk full, locked) and retried; failed: needs a reset.
   */
  state: z.enum(['closed', 'ready', 'upgrading', 'paused', 'failed']),
  sizeBytes: z.number(),
  walBytes: z.number(),
  rows: z.number(),
  emails: z.number(),
  oldestTs: z.number().nullable(),
  newestTs: z.number().nullable(),
  schemaVersion: z.number(),
  ingest: z.object({
    /** Rows waiting in memory for the next transaction. */
    queued: z.number(),
    maxQueued: z.number(),
    written: z.number(),
    duplicates: z.number(),
    /** Container lines refused because the queue was full. */
    dropped: z.number(),
    /** Mail events refused because the queue was full (their sender keeps and redelivers them). */
    refused: z.number(),
    batches: z.number(),
    lastBatchRows: z.number(),
    lastBatchMs: z.number(),
    paused: z.boolean(),
    pausedReason: z.string().nullable(),
    nextRetryAt: z.number().nullable(),
  }),
  collector: z.object({
    containers: z.array(z.object({ id: z.string(), name: z.string(), service: z.string() })),
    lines: z.number(),
    /** Times a burst outran the store and was read again from the engine (nothing lost). */
    catchUps: z.number(),
    lastError: z.string().nullable(),
  }),
  retention: retentionSchema,
  compaction: z.object({
    lastRunAt: z.number().nullable(),
    lastDeleted: z.number(),
    running: z.boolean(),
  }),
  lastError: storeFaultSchema.nullable(),
  /** While state is upgrading: the step under way and how far the upgrade is (0 to 1). */
  upgrade: storeUpgradeSchema.nullable(),
})
export type LogStatus = z.infer<typeof logStatusSchema>

export const tailLineSchema = z.object({
  key: z.string(),
  ts: z.number(),
  service: z.string(),
  container: z.string(),
  stream: z.enum(['stdout', 'stderr']),
  level: logLevelSchema,
  text: z.string(),
})
export type TailLine = z.infer<typeof tailLineSchema>

export const logTailInput = z
  .object({
    /** Stack services (the `maildock.service` label); with neither filter, every stack container. */
    services: z.array(z.string().min(1).max(MAX_NAME)).max(50).optional(),
    /** Container ids or names; containers outside the stack are followed but not stored. */
    containers: z.array(z.string().min(1).max(MAX_NAME)).max(50).optional(),
    /** Lines of history sent first (from the store, or the engine for other containers). */
    history: z.number().int().min(0).max(10_000).default(200),
  })
  .strict()

export const logTailBatchSchema = z.object({
  lines: z.array(tailLineSchema),
  /** Lines dropped since the previous batch because this subscriber fell behind. */
  dropped: z.number(),
  /** Set on the batch that ends the history part. */
  historyDone: z.boolean().optional(),
  /** A followed container ended or failed. */
  notices: z.array(z.string()).optional(),
})
export type LogTailBatch = z.infer<typeof logTailBatchSchema>

export const tailSourceSchema = z.object({
  id: z.string(),
  name: z.string(),
  service: z.string(),
  state: z.string(),
  /** Part of a MailDock stack: its lines are stored and searchable. */
  stack: z.boolean(),
})
export type TailSource = z.infer<typeof tailSourceSchema>

const empty = z.object({}).strict()

export const logsChannels = {
  'logs:search': channel(logSearchInput, logSearchResultSchema),
  'logs:get': channel(logGetInput, logGetResultSchema),
  'logs:export': channel(logExportInput, logExportChunkSchema),
  'logs:histogram': channel(logHistogramInput, logHistogramSchema),
  'logs:status': channel(empty, logStatusSchema),
  /** Moves the current file aside (kept, never deleted) and starts a fresh database. */
  'logs:reset-db': channel(
    empty,
    z.object({ keptAs: z.string().nullable(), status: logStatusSchema }),
  ),
  'logs:set-retention': channel(retentionSchema.strict(), retentionSchema),
  /** Containers the Tail panel can follow (the stack's first). */
  'logs:sources': channel(empty, z.object({ sources: z.array(tailSourceSchema) })),
}

export const logsEvents = {
  /** Live lines of one or several containers, merged, batched every ~50 ms and bounded. */
  'logs:tail': event(logTailInput, logTailBatchSchema),
}
