import type Database from 'better-sqlite3'
import type { z } from 'zod'
import type {
  EmailSummary,
  LogEntry,
  LogGetResult,
  LogHistogram,
  LogSearchResult,
  MailStatus,
  logGetInput,
  logHistogramInput,
  logSearchInput,
} from '../../../shared/contract'
import { descending, newestInRecentIds, newestOfIds } from './fts-newest'
import { scanNewestMatches } from './fts-scan'
import { newestPhraseMatches, phraseMatchIds } from './fts-phrase'
import { completed, ftsHistogramSteps } from './fts-histogram'
import type { BucketRow, Span } from './fts-buckets'
import { decodeEmailRequest, decodeOutcomeEvent, type MailMessage } from '../../../shared/messages'
import { statement } from './statements'
import {
  afterCursor,
  buildFilter,
  encodeCursor,
  ENTRY_COLUMNS,
  toEntry,
  whereClause,
  type EntryRow,
  type Filter,
  type Params,
} from './filters'

export type SearchInput = z.output<typeof logSearchInput>
export type GetInput = z.output<typeof logGetInput>
export type HistogramInput = z.output<typeof logHistogramInput>

/** Up to this many full-text matches are read from the index at once, then ranked by time. */
const MANY_MATCHES = 20_000
export const TIMELINE_LIMIT = 5_000

function countMatches(db: Database.Database, fts: string, cap: number): number {
  const sql =
    'SELECT count(*) AS n FROM (SELECT 1 FROM entries_fts WHERE entries_fts MATCH ? LIMIT ?)'
  return (statement(db, sql).get(fts, cap) as { n: number }).n
}

/**
 * Ids of the newest `wanted` rows matching a full-text query and the filter. A query is counted
 * first (in index order: cheapest when it matches nothing, which ends it), then read whole when it
 * matches few rows; many matches are found by walking the time index. Not a prefix query: it
 * builds its whole doclist each time the index is asked, which that walk does for every chunk, so
 * it is asked as few times as can be, from the newest rows down.
 */
function newestMatches(
  db: Database.Database,
  filter: Filter,
  fts: string,
  wanted: number,
): number[] {
  const prefix = /\*/.test(fts)
  if (!prefix) {
    const phrase = newestPhraseMatches(db, filter, fts, wanted)
    if (phrase) return phrase
    const count = countMatches(db, fts, MANY_MATCHES)
    if (count === 0) return []
    if (count < MANY_MATCHES) {
      const sql = 'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?'
      const ids = statement(db, sql).pluck().all(fts) as number[]
      return newestOfIds(db, filter, descending(ids), wanted) ?? []
    }
    return scanNewestMatches(db, filter, wanted)
  }
  if (filter.terms.length === 0) {
    const recent = newestInRecentIds(db, filter, fts, wanted)
    if (recent) return recent
  }
  const sql = 'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? ORDER BY rowid DESC'
  const newest = statement(db, sql).pluck().iterate(fts) as IterableIterator<number>
  try {
    const found = newestOfIds(db, filter, newest, wanted, { maxRead: MANY_MATCHES })
    if (found) return found
  } finally {
    newest.return?.()
  }
  return scanNewestMatches(db, filter, wanted)
}

function rowsByIds(db: Database.Database, ids: number[]): EntryRow[] {
  const sql = `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id IN (SELECT value FROM json_each(?))`
  const byId = new Map(
    (statement(db, sql).all(JSON.stringify(ids)) as EntryRow[]).map((row) => [row.id, row]),
  )
  return ids.map((id) => byId.get(id)).filter((row): row is EntryRow => row !== undefined)
}

export function searchEntries(db: Database.Database, input: SearchInput): LogSearchResult {
  const started = performance.now()
  const filter = buildFilter(db, input.query)
  afterCursor(input.cursor, filter)
  let ids: number[]
  if (filter.fts !== null) {
    ids = newestMatches(db, filter, filter.fts, input.limit + 1)
  } else {
    const sql = `SELECT e.id FROM entries e ${whereClause(filter.terms)}
      ORDER BY e.ts DESC, e.id DESC LIMIT @limit`
    ids = statement(db, sql)
      .pluck()
      .all({ ...filter.params, limit: input.limit + 1 }) as number[]
  }
  const rows = rowsByIds(db, ids)
  const more = rows.length > input.limit
  const entries = (more ? rows.slice(0, input.limit) : rows).map(toEntry)
  const last = entries[entries.length - 1]
  return {
    entries,
    nextCursor: more && last ? encodeCursor(last) : null,
    notice: filter.notice,
    tookMs: Math.round((performance.now() - started) * 100) / 100,
  }
}

function timeline(
  db: Database.Database,
  emailId: string,
): { entries: LogEntry[]; truncated: boolean } {
  const sql = `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.email_id = ?
    ORDER BY e.ts, e.id LIMIT ?`
  const rows = statement(db, sql).all(emailId, TIMELINE_LIMIT + 1) as EntryRow[]
  const truncated = rows.length > TIMELINE_LIMIT
  return { entries: (truncated ? rows.slice(0, TIMELINE_LIMIT) : rows).map(toEntry), truncated }
}

function emailSummary(
  db: Database.Database,
  emailId: string,
  entries: LogEntry[],
): EmailSummary | null {
  const email = statement(db, 'SELECT subject, first_ts FROM emails WHERE email_id = ?').get(
    emailId,
  ) as { subject: string | null; first_ts: number } | undefined
  if (!email && entries.length === 0) return null
  const recipients = (
    statement(db, 'SELECT address FROM email_recipients WHERE email_id = ? ORDER BY address').all(
      emailId,
    ) as Array<{ address: string }>
  ).map((row) => row.address)
  const status = latestStatus(entries) ?? (email ? 'request' : null)
  return {
    emailId,
    subject: email?.subject ?? null,
    recipients,
    firstTs: entries[0]?.ts ?? email?.first_ts ?? null,
    lastTs: entries[entries.length - 1]?.ts ?? null,
    // A request reaches the store only once the broker confirmed it: that is its acceptance.
    lastStatus: status === 'request' ? 'accepted' : status,
  }
}

/** How far an email got: clocks of different services disagree, so the stage decides first. */
const STAGE: Record<MailStatus, number> = {
  request: 0,
  accepted: 1,
  retrying: 2,
  failed: 3,
  'dead-lettered': 3,
  sent: 3,
  // Later than a dead letter: a person sent it back; later outcomes follow it.
  retried: 3,
}

export function latestStatus(entries: readonly LogEntry[]): MailStatus | null {
  let best: LogEntry | undefined
  for (const entry of entries) {
    if (entry.status === null) continue
    // Entries come oldest first: among the final stages, the latest one wins (a retried failure).
    if (!best?.status || STAGE[entry.status] >= STAGE[best.status]) best = entry
  }
  return best?.status ?? null
}

export function getEntries(db: Database.Database, input: GetInput): LogGetResult {
  let entry: LogEntry | null = null
  let emailId: string | null
  if ('id' in input) {
    const row = statement(db, `SELECT ${ENTRY_COLUMNS} FROM entries e WHERE e.id = ?`).get(
      input.id,
    ) as EntryRow | undefined
    entry = row ? toEntry(row) : null
    emailId = entry?.emailId ?? null
  } else {
    emailId = input.emailId
  }
  if (emailId === null) return { entry, email: null, timeline: [], truncated: false }
  const { entries, truncated } = timeline(db, emailId)
  return { entry, email: emailSummary(db, emailId, entries), timeline: entries, truncated }
}

const SECOND = 1000
const STEPS_MS = [
  10,
  50,
  100,
  250,
  500,
  ...[1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1_800, 3_600, 7_200, 10_800, 21_600, 43_200].map(
    (seconds) => seconds * SECOND,
  ),
  ...[1, 2, 7, 30].map((days) => days * 86_400 * SECOND),
]

export function bucketWidth(rangeMs: number, buckets: number): number {
  const ideal = Math.max(1, rangeMs) / buckets
  return STEPS_MS.find((step) => step >= ideal) ?? Math.ceil(ideal / 86_400_000) * 86_400_000
}

const MINUTE = 60_000

/** Histograms over minutes or more, filtered by what the rollup keeps, read the rollup. */
function fromRollup(query: HistogramInput['query'], bucketMs: number): boolean {
  return (
    bucketMs % MINUTE === 0 &&
    !query.text &&
    !query.recipient &&
    !query.emailId &&
    !query.containers?.length
  )
}

function rollupSql(query: HistogramInput['query']): { sql: string; params: Params } {
  const terms = ['minute >= @startMinute', 'minute < @endMinute', 'n > 0']
  const params: Params = {}
  const list = (column: string, name: string, values: readonly string[] | undefined): void => {
    if (!values?.length) return
    terms.push(`${column} IN (${values.map((_, i) => `@${name}${i}`).join(', ')})`)
    values.forEach((value, i) => (params[`${name}${i}`] = value))
  }
  list('service', 'svc', query.services)
  list('level', 'lvl', query.levels)
  list('status', 'st', query.statuses)
  list('source', 'src', query.sources)
  const sql = `SELECT CAST((minute * ${MINUTE} - @start) / @bucket AS INTEGER) AS b, sum(n) AS total,
      sum(CASE WHEN level = 'warn' THEN n ELSE 0 END) AS warn,
      sum(CASE WHEN level IN ('error', 'fatal') THEN n ELSE 0 END) AS error
    FROM counts WHERE ${terms.join(' AND ')} GROUP BY b`
  return { sql, params }
}

/** Full text and a time range only: what `ftsHistogram` counts without reading each match. */
function textOnly(query: HistogramInput['query']): boolean {
  const { text: _text, from: _from, to: _to, ...others } = query
  return Object.values(others).every(
    (value) => value === undefined || (Array.isArray(value) && value.length === 0),
  )
}

/**
 * Entries in [from, to) per bucket, counted row by row; `matches`: the rows the full text matches,
 * when already known (a phrase the pair index answers).
 */
function scanRows(
  db: Database.Database,
  filter: Filter,
  span: Span,
  matches: number[] | null = null,
): BucketRow[] {
  if (span.to <= span.from) return []
  const match =
    matches === null
      ? 'e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @fts)'
      : 'e.id IN (SELECT value FROM json_each(@matches))'
  const terms = filter.fts === null ? filter.terms : [match, ...filter.terms]
  const sql = `SELECT CAST((e.ts - @start) / @bucket AS INTEGER) AS b, count(*) AS total,
      sum(e.level = 'warn') AS warn, sum(e.level IN ('error', 'fatal')) AS error
    FROM entries e ${whereClause([...terms, 'e.ts >= @from', 'e.ts < @to'])} GROUP BY b`
  const params = matches === null ? {} : { matches: JSON.stringify(matches) }
  return statement(db, sql).all({ ...filter.params, ...span, ...params }) as BucketRow[]
}

/**
 * The whole minutes of [from, to) from the rollup, the cut minutes at either end row by row: the
 * bars sum to exactly what a search of the same range finds.
 */
function rollupRows(
  db: Database.Database,
  query: HistogramInput['query'],
  filter: Filter,
  span: Span,
): BucketRow[] {
  const firstWhole = Math.ceil(span.from / MINUTE)
  const endWhole = Math.max(firstWhole, Math.floor(span.to / MINUTE))
  const { sql, params } = rollupSql(query)
  const whole = statement(db, sql).all({
    ...params,
    start: span.start,
    bucket: span.bucket,
    startMinute: firstWhole,
    endMinute: endWhole,
  }) as BucketRow[]
  const head = scanRows(db, filter, { ...span, to: Math.min(span.to, firstWhole * MINUTE) })
  const tail = scanRows(db, filter, { ...span, from: Math.max(span.from, endWhole * MINUTE) })
  return [...whole, ...head, ...tail]
}

/** The oldest and newest stored time (null when empty). */
export function timeBounds(db: Database.Database): { lo: number | null; hi: number | null } {
  const sql = 'SELECT (SELECT min(ts) FROM entries) AS lo, (SELECT max(ts) FROM entries) AS hi'
  return statement(db, sql).get() as { lo: number | null; hi: number | null }
}

/** The newest stored line of a container. */
export function lastLineTs(db: Database.Database, container: string): number | null {
  const sql = 'SELECT max(ts) FROM entries WHERE container = ?'
  return statement(db, sql).pluck().get(container) as number | null
}

/** The histogram in steps: the full-text count yields between batches of matches. */
export function* histogramSteps(
  db: Database.Database,
  input: HistogramInput,
  step?: number,
  now = Date.now(),
): Generator<void, LogHistogram> {
  const filter = buildFilter(db, input.query)
  const bounds = timeBounds(db)
  const newest = bounds.hi === null ? now : bounds.hi + 1
  // With no lower bound ("All"), the bars span the stored rows, not up to now: a month-old
  // store fills them rather than the first of thirty. No row is later than `newest` to miss.
  const to =
    input.query.from === undefined
      ? Math.min(input.query.to ?? newest, newest)
      : (input.query.to ?? newest)
  const from = input.query.from ?? bounds.lo ?? to - 3_600_000
  const bucketMs = bucketWidth(to - from, input.buckets)
  const start = Math.floor(from / bucketMs) * bucketMs
  const span = { start, bucket: bucketMs, from, to }
  const phrase = filter.fts === null ? null : phraseMatchIds(db, filter.fts)
  const byBlocks =
    phrase === null && filter.fts !== null && textOnly(input.query)
      ? yield* ftsHistogramSteps(db, filter.fts, span, { step })
      : null
  const rows =
    byBlocks ??
    (phrase !== null
      ? scanRows(db, filter, span, phrase)
      : fromRollup(input.query, bucketMs)
        ? rollupRows(db, input.query, filter, span)
        : scanRows(db, filter, span))
  const count = Math.min(1_000, Math.max(1, Math.ceil((to - start) / bucketMs)))
  const buckets = Array.from({ length: count }, (_, i) => ({
    t: start + i * bucketMs,
    total: 0,
    warn: 0,
    error: 0,
  }))
  for (const row of rows) {
    const bucket = buckets[row.b]
    if (!bucket) continue
    bucket.total += row.total
    bucket.warn += row.warn
    bucket.error += row.error
  }
  return { bucketMs, from: start, to, buckets, notice: filter.notice }
}

export const histogram = (...args: Parameters<typeof histogramSteps>): LogHistogram =>
  completed(histogramSteps(...args))

/** The latest mail messages as received, oldest first. */
export function recentMailMessages(db: Database.Database, limit: number): MailMessage[] {
  const rows = db
    .prepare(
      "SELECT e.status, e.raw FROM entries e WHERE e.source = 'event' ORDER BY e.ts DESC, e.id DESC LIMIT ?",
    )
    .all(limit) as Array<{ status: string | null; raw: string | null }>
  const messages: MailMessage[] = []
  for (const { status, raw } of rows.reverse()) {
    if (raw === null) continue
    // A request's row has the status 'request'; every other mail row holds an outcome event.
    if (status === 'request') {
      const decoded = decodeEmailRequest(Buffer.from(raw))
      if (decoded.ok) messages.push({ kind: 'request', request: decoded.value })
    } else {
      const decoded = decodeOutcomeEvent(Buffer.from(raw))
      if (decoded.ok) messages.push({ kind: 'event', event: decoded.value })
    }
  }
  return messages
}
