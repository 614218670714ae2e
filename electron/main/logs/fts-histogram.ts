import type Database from 'better-sqlite3'
import { BLOCK_IDS } from './blocks'
import {
  BUCKET_OF_TS,
  bucketIndexOf,
  bucketOf,
  inOneBucket,
  type Bucketed,
  type BucketRow,
  type Span,
} from './fts-buckets'
import { countSealedBlocks } from './fts-sealed'
import { countLevel } from './levels'
import { statement } from './statements'

/*
 * A full-text histogram without reading every match's row (one random page each, most of the time
 * on a large store): the index gives the matching ids, `entry_blocks` the oldest and newest time of
 * each block of 1,024 ids, so a block whose span lies inside one bucket adds its matches to that
 * bucket as they are, and one across a bucket's edge is cut by the ts index. A search of one word
 * or a two-word phrase takes sealed blocks from `block_words` without reading the index at all
 * (fts-sealed.ts). Of the matches `entry_alerts` marks as warn, error or fatal, the levels are
 * read.
 */

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
  if (marked.length === 0) return new Set()
  if (marked.length <= readAbove) {
    // NOT INDEXED: by id, where SQLite would rather pass over every error row of the level index.
    const sql = `SELECT id FROM entries NOT INDEXED WHERE id IN (SELECT value FROM json_each(?))
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

/** From this many matches in a block across a bucket's edge, the ts index places them. */
const SPLIT_BY_INDEX = 16
/** A block's matches per bucket (-1: outside the range), from the ts index's range of the block. */
const SPLIT_COUNTS = `SELECT ${BUCKET_OF_TS} AS b, count(*) AS n FROM entries INDEXED BY entries_ts
  WHERE ts BETWEEN @min AND @max AND id IN (SELECT value FROM json_each(@ids)) GROUP BY b`

/**
 * Counts the matches the index gives, in id order, into the buckets of `span`: a block in one
 * bucket adds them as they are; one across a bucket's edge has them counted per bucket from the ts
 * index (one short range of it, no row read) but for its warn/error/fatal ones, or a few: those
 * and the matches whose block has no span are kept in `read`.
 * Matches at warn/error/fatal rows (`entry_alerts`) are kept in `marked` with their bucket.
 */
class MatchCounter {
  readonly rows: Bucketed = new Map()
  readonly read: number[] = []
  readonly marked: Array<{ id: number; row: BucketRow }> = []
  private readonly marks = new Uint8Array(BLOCK_IDS)
  private key = -1
  private block: Block | undefined
  private kind: 'skip' | 'read' | 'split' | 'whole' = 'skip'
  private row: BucketRow | null = null
  private split: number[] = []

  constructor(
    private readonly db: Database.Database,
    private readonly span: Span,
  ) {}

  add(id: number, blocks: Map<number, Block>): void {
    const key = Math.floor(id / BLOCK_IDS)
    if (key !== this.key) {
      this.flush()
      this.enter(key, blocks.get(key))
    }
    if (this.kind === 'read') this.read.push(id)
    else if (this.kind === 'split') this.split.push(id)
    else if (this.kind === 'whole' && this.row !== null) this.count(id, this.row)
  }

  /** Places the matches kept of a block across a bucket's edge: call at the end of each step. */
  flush(): void {
    const { block, split, span } = this
    this.split = []
    if (block === undefined || split.length === 0) return
    // A few rows cost less read by id than a range of the ts index (one look-up each against ~1,024).
    if (split.length < SPLIT_BY_INDEX) {
      this.read.push(...split)
      return
    }
    // Warn/error/fatal matches are read, with their level; the others only counted, in SQL.
    const plain = split.filter((id) => this.marks[id % BLOCK_IDS] !== 1)
    for (const id of split) if (this.marks[id % BLOCK_IDS] === 1) this.read.push(id)
    const counts = statement(this.db, SPLIT_COUNTS)
      .raw()
      .all({ ...span, min: block.min_ts, max: block.max_ts, ids: JSON.stringify(plain) }) as Array<
      [number, number]
    >
    // A row outside its block's recorded span (never written so): every match read instead.
    if (counts.reduce((sum, [, n]) => sum + n, 0) !== plain.length) this.read.push(...plain)
    else for (const [b, n] of counts) if (b >= 0) bucketOf(this.rows, b).total += n
  }

  private count(id: number, row: BucketRow): void {
    row.total += 1
    if (this.marks[id % BLOCK_IDS] === 1) this.marked.push({ id, row })
  }

  private enter(key: number, block: Block | undefined): void {
    const { span } = this
    this.key = key
    this.block = block
    if (block === undefined) this.kind = 'read'
    else if (block.max_ts < span.from || block.min_ts >= span.to) this.kind = 'skip'
    else {
      markAlerts(this.marks, block.offsets)
      this.kind = inOneBucket(span, block) ? 'whole' : 'split'
      this.row =
        this.kind === 'whole' ? bucketOf(this.rows, bucketIndexOf(span, block.min_ts)) : null
    }
  }
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
  // Looked for from either end, most ranges reach one end of the store: a few blocks read.
  const meets = 'FROM entry_blocks WHERE max_ts >= @from AND min_ts < @to ORDER BY block'
  const lo = statement(db, `SELECT block ${meets} LIMIT 1`).pluck().get(span) as number | undefined
  const hi = statement(db, `SELECT block ${meets} DESC LIMIT 1`).pluck().get(span) as
    number | undefined
  if (lo === undefined || hi === undefined) return []
  // In rowid order, ascending. Bounds as BigInt: FTS5 ignores a rowid bound bound as a REAL.
  const matches = statement(
    db,
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?',
  ).pluck()
  const counter = new MatchCounter(db, span)
  const sealed = yield* countSealedBlocks(db, fts, { lo, hi }, span, counter.rows)
  let seen = sealed.matches
  let sinceYield = 0
  for (const [first, last] of sealed.uncounted) {
    const to = BigInt((last + 1) * BLOCK_IDS - 1)
    for (let from = first * BLOCK_IDS; ;) {
      const ids = matches.all(fts, BigInt(from), to, step) as number[]
      const blocks = blocksByKey(db, blocksOf(ids))
      for (const id of ids) counter.add(id, blocks)
      counter.flush()
      seen += ids.length
      sinceYield += ids.length
      if (counter.read.length > seen * maxRead) return null
      if (sinceYield >= step) {
        sinceYield = 0
        yield
      }
      if (ids.length < step) break
      from = (ids[ids.length - 1] as number) + 1
    }
  }
  const { rows, read, marked } = counter
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
      const bucket = bucketOf(rows, bucketIndexOf(span, ts))
      bucket.total += 1
      countLevel(bucket, level)
    }
  }
}
