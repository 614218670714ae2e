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
  block: number
  min_ts: number
  max_ts: number
}

function byBlock<T>(db: Database.Database, sql: string, blocks: number[]): Map<number, T> {
  const rows = statement(db, sql).all(JSON.stringify(blocks)) as Array<T & { block: number }>
  return new Map(rows.map((row) => [row.block, row]))
}

/** The offsets in a block of its warn, error and fatal rows, 3 hex digits each. */
function alertOffsets(hex: string): Set<number> {
  const offsets = new Set<number>()
  for (let i = 0; i + 3 <= hex.length; i += 3) offsets.add(parseInt(hex.slice(i, i + 3), 16))
  return offsets
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

/** Matches of `fts` per bucket of `span`, exactly as counting each match's row would. */
export function ftsHistogram(db: Database.Database, fts: string, span: Span): BucketRow[] {
  const ids = statement(db, 'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?')
    .pluck()
    .all(fts) as number[]
  const blockIds = [...new Set(ids.map((id) => Math.floor(id / BLOCK_IDS)))]
  const json = 'SELECT value FROM json_each(?)'
  const blocks = byBlock<Block>(
    db,
    `SELECT block, min_ts, max_ts FROM entry_blocks WHERE block IN (${json})`,
    blockIds,
  )
  const alerts = byBlock<{ offsets: string }>(
    db,
    `SELECT block, offsets FROM entry_alerts WHERE block IN (${json})`,
    blockIds,
  )
  const bucketIndex = (ts: number): number => Math.floor((ts - span.start) / span.bucket)
  const rows: Bucketed = new Map()
  /** Read: ids whose bucket the block does not decide; marked: in a decided bucket, not info. */
  const read: number[] = []
  const marked: number[] = []
  const offsetsOf = new Map<number, Set<number>>()
  for (const id of ids) {
    const key = Math.floor(id / BLOCK_IDS)
    const block = blocks.get(key)
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
    const hex = alerts.get(key)?.offsets
    if (!hex) continue
    let offsets = offsetsOf.get(key)
    if (!offsets) offsetsOf.set(key, (offsets = alertOffsets(hex)))
    if (offsets.has(id % BLOCK_IDS)) marked.push(id)
  }
  const sql = `SELECT id, ts, level FROM entries WHERE id IN (${json})`
  const found = statement(db, sql).all(JSON.stringify([...read, ...marked])) as Array<{
    id: number
    ts: number
    level: string
  }>
  const toRead = new Set(read)
  for (const { id, ts, level } of found) {
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
