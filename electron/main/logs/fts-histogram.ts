import type Database from 'better-sqlite3'
import { BLOCK_IDS } from './blocks'
import { statement } from './statements'

/*
 * A full-text histogram without reading every match's row (one random page each, most of the time
 * on a large store): the index gives the matching ids, `entry_blocks` the oldest and newest time of
 * each block of 1,024 ids, so a block whose span lies inside one bucket adds its matches to that
 * bucket as they are. Rows are read only for matches in a block that straddles a bucket's edge (or
 * the range's); those `entry_alerts` marks as warn, error or fatal are told apart by their level.
 */

export interface BucketRow {
  b: number
  total: number
  warn: number
  error: number
}

export interface Span {
  start: number
  bucket: number
  from: number
  to: number
}

interface Block {
  min_ts: number
  max_ts: number
  /** The offsets in the block of its warn, error and fatal rows, 3 hex digits each. */
  offsets: string | null
}

function blocksByKey(db: Database.Database, keys: number[]): Map<number, Block> {
  const sql = `SELECT b.block, b.min_ts, b.max_ts, a.offsets FROM entry_blocks b
    LEFT JOIN entry_alerts a ON a.block = b.block
    WHERE b.block IN (SELECT value FROM json_each(?))`
  const rows = statement(db, sql).all(JSON.stringify(keys)) as Array<Block & { block: number }>
  return new Map(rows.map((row) => [row.block, row]))
}

/** Marks the block's alert offsets in `marks` (1,024 entries), clearing the last block's. */
function markAlerts(marks: Uint8Array, hex: string | null): void {
  marks.fill(0)
  if (hex === null) return
  for (let i = 0; i + 3 <= hex.length; i += 3) marks[parseInt(hex.slice(i, i + 3), 16)] = 1
}

type Bucketed = Map<number, BucketRow>

function bucketOf(rows: Bucketed, b: number): BucketRow {
  let row = rows.get(b)
  if (!row) rows.set(b, (row = { b, total: 0, warn: 0, error: 0 }))
  return row
}

function countLevel(row: BucketRow, level: string): void {
  if (level === 'warn') row.warn += 1
  else if (level === 'error' || level === 'fatal') row.error += 1
}

/** The distinct blocks of ascending ids. */
function blocksOf(ids: readonly number[]): number[] {
  const blocks: number[] = []
  for (const id of ids) {
    const block = Math.floor(id / BLOCK_IDS)
    if (blocks[blocks.length - 1] !== block) blocks.push(block)
  }
  return blocks
}

/**
 * Of `marked` (matches at warn, error and fatal rows), those at error or fatal rows. A few are read
 * row by row; many from the level index in one pass: at 5M rows 0.5 us an error row there, against
 * about 7 us for each scattered row read by id.
 */
function errorIds(
  db: Database.Database,
  marked: readonly number[],
  span: Span,
  readAbove: number,
): Set<number> {
  if (marked.length <= readAbove) {
    const sql = `SELECT id FROM entries WHERE id IN (SELECT value FROM json_each(?))
      AND level IN ('error', 'fatal')`
    return new Set(statement(db, sql).pluck().all(JSON.stringify(marked)) as number[])
  }
  const sql = `SELECT id FROM entries WHERE level IN ('error', 'fatal') AND ts >= ? AND ts < ?`
  return new Set(statement(db, sql).pluck().all(span.from, span.to) as number[])
}

/** Matches read from the index at a time; between two such steps the worker answers others. */
const STEP_MATCHES = 50_000

/** Runs work written as steps (a generator yielding between them) to its end, at once. */
export function completed<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next()
    if (next.done === true) return next.value
  }
}

/** Where one block's matches go: nowhere (outside the range), to be read, or to one bucket. */
interface BlockFate {
  skip: boolean
  row: BucketRow | null
}

/**
 * Matches of `fts` per bucket of `span`, exactly as counting each match's row would, in steps of
 * `step` matches; null when more than `maxRead` of those seen would be read anyway (mostly rows out
 * of time order), which reading every match in index order does faster.
 */
export function* ftsHistogramSteps(
  db: Database.Database,
  fts: string,
  span: Span,
  {
    step = STEP_MATCHES,
    maxRead = 0.5,
    readLevelsAbove = 2_000,
  }: {
    /** Matches read from the index in one step. */
    step?: number | undefined
    /** The share of matches read above which it gives up (null). */
    maxRead?: number
    /** With more warn/error matches than this, their levels come from the level index. */
    readLevelsAbove?: number
  } = {},
): Generator<void, BucketRow[] | null> {
  // Every row of the range is in a block whose span meets it: the matches between those blocks.
  const { lo, hi } = statement(
    db,
    'SELECT min(block) AS lo, max(block) AS hi FROM entry_blocks WHERE max_ts >= ? AND min_ts < ?',
  ).get(span.from, span.to) as { lo: number | null; hi: number | null }
  if (lo === null || hi === null) return []
  // In rowid order, ascending. Bounds as BigInt: FTS5 ignores a rowid bound bound as a REAL.
  const matches = statement(
    db,
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?',
  ).pluck()
  const bucketIndex = (ts: number): number => Math.floor((ts - span.start) / span.bucket)
  const rows: Bucketed = new Map()
  /** Read: ids whose bucket the block does not decide; marked: in a decided bucket, not info. */
  const read: number[] = []
  const marked: Array<{ id: number; row: BucketRow }> = []
  const marks = new Uint8Array(BLOCK_IDS)
  const fateOf = (block: Block | undefined): BlockFate => {
    if (block !== undefined && (block.max_ts < span.from || block.min_ts >= span.to))
      return { skip: true, row: null }
    const whole =
      block !== undefined &&
      block.min_ts >= span.from &&
      block.max_ts < span.to &&
      bucketIndex(block.min_ts) === bucketIndex(block.max_ts)
    if (!whole) return { skip: false, row: null }
    markAlerts(marks, block.offsets)
    return { skip: false, row: bucketOf(rows, bucketIndex(block.min_ts)) }
  }
  let key = -1
  let fate: BlockFate = { skip: true, row: null }
  let seen = 0
  const to = BigInt((hi + 1) * BLOCK_IDS - 1)
  for (let from = lo * BLOCK_IDS; ;) {
    const ids = matches.all(fts, BigInt(from), to, step) as number[]
    const blocks = blocksByKey(db, blocksOf(ids))
    for (const id of ids) {
      if (Math.floor(id / BLOCK_IDS) !== key) {
        key = Math.floor(id / BLOCK_IDS)
        fate = fateOf(blocks.get(key))
      }
      if (fate.skip) continue
      if (fate.row === null) read.push(id)
      else {
        fate.row.total += 1
        if (marks[id % BLOCK_IDS] === 1) marked.push({ id, row: fate.row })
      }
    }
    seen += ids.length
    if (read.length > seen * maxRead) return null
    if (ids.length < step) break
    from = (ids[ids.length - 1] as number) + 1
    yield
  }
  const errors = errorIds(
    db,
    marked.map((m) => m.id),
    span,
    readLevelsAbove,
  )
  for (const m of marked) {
    if (errors.has(m.id)) m.row.error += 1
    else m.row.warn += 1
  }
  yield* countRows(db, read, span, rows, step)
  return [...rows.values()]
}

/** Adds the matches `read` to their buckets from their rows, `step` rows at a time. */
function* countRows(
  db: Database.Database,
  read: readonly number[],
  span: Span,
  rows: Bucketed,
  step: number,
): Generator<void, void> {
  const sql = 'SELECT ts, level FROM entries WHERE id IN (SELECT value FROM json_each(?))'
  for (let i = 0; i < read.length; i += step) {
    if (i > 0) yield
    const found = statement(db, sql)
      .raw()
      .all(JSON.stringify(read.slice(i, i + step))) as Array<[number, string]>
    for (const [ts, level] of found) {
      if (ts < span.from || ts >= span.to) continue
      const bucket = bucketOf(rows, Math.floor((ts - span.start) / span.bucket))
      bucket.total += 1
      countLevel(bucket, level)
    }
  }
}
