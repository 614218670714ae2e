import type Database from 'better-sqlite3'
import { BLOCK_IDS } from './blocks'
import { statement } from './statements'

/*
 * A full-text histogram without reading every match's row (one random page each, most of the time
 * on a large store): the index gives the matching ids, `entry_blocks` the oldest and newest time of
 * each block of 1,024 ids, so a block whose span lies inside one bucket adds its matches to that
 * bucket as they are. Rows are read only for matches in a block that straddles a bucket's edge (or
 * the range's), and for those `entry_alerts` marks as warn, error or fatal, to count them apart.
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
 * Matches of `fts` per bucket of `span`, exactly as counting each match's row would; null when
 * more than `maxRead` of the matches would be read anyway (mostly warnings and errors, or rows out of
 * time order), which reading every match in index order does faster.
 */
export function ftsHistogram(
  db: Database.Database,
  fts: string,
  span: Span,
  /** The share of matches read above which it gives up (null). */
  maxRead = 0.5,
): BucketRow[] | null {
  // Every row of the range is in a block whose span meets it: the matches between those blocks.
  const { lo, hi } = statement(
    db,
    'SELECT min(block) AS lo, max(block) AS hi FROM entry_blocks WHERE max_ts >= ? AND min_ts < ?',
  ).get(span.from, span.to) as { lo: number | null; hi: number | null }
  if (lo === null || hi === null) return []
  // In rowid order, ascending. Bounds as BigInt: FTS5 ignores a rowid bound bound as a REAL.
  const matches =
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid BETWEEN ? AND ?'
  const ids = statement(db, matches)
    .pluck()
    .all(fts, BigInt(lo * BLOCK_IDS), BigInt((hi + 1) * BLOCK_IDS - 1)) as number[]
  const blocks = blocksByKey(db, blocksOf(ids))
  const bucketIndex = (ts: number): number => Math.floor((ts - span.start) / span.bucket)
  const rows: Bucketed = new Map()
  /** Read: ids whose bucket the block does not decide; marked: in a decided bucket, not info. */
  const read: number[] = []
  const marked: number[] = []
  const marks = new Uint8Array(BLOCK_IDS)
  let marksOf = -1
  for (const id of ids) {
    if (read.length + marked.length > ids.length * maxRead) return null
    const key = Math.floor(id / BLOCK_IDS)
    const block = blocks.get(key)
    // A block wholly outside the range holds no match to count.
    if (block && (block.max_ts < span.from || block.min_ts >= span.to)) continue
    const whole =
      block !== undefined &&
      block.min_ts >= span.from &&
      block.max_ts < span.to &&
      bucketIndex(block.min_ts) === bucketIndex(block.max_ts)
    if (!whole) {
      read.push(id)
      continue
    }
    bucketOf(rows, bucketIndex(block.min_ts)).total += 1
    if (block.offsets === null) continue
    if (marksOf !== key) markAlerts(marks, block.offsets)
    marksOf = key
    if (marks[id % BLOCK_IDS] === 1) marked.push(id)
  }
  if (read.length + marked.length > ids.length * maxRead) return null
  const sql = 'SELECT id, ts, level FROM entries WHERE id IN (SELECT value FROM json_each(?))'
  const found = statement(db, sql)
    .raw()
    .all(JSON.stringify([...read, ...marked])) as Array<[number, number, string]>
  const toRead = new Set(read)
  for (const [id, ts, level] of found) {
    if (toRead.has(id)) {
      if (ts < span.from || ts >= span.to) continue
      const row = bucketOf(rows, bucketIndex(ts))
      row.total += 1
      countLevel(row, level)
    } else {
      countLevel(bucketOf(rows, bucketIndex(ts)), level)
    }
  }
  return [...rows.values()]
}
