import type Database from 'better-sqlite3'
import { whereClause, type Filter } from './filters'
import { BLOCK_IDS } from './blocks'
import { statement } from './statements'

/*
 * The newest rows (ts DESC, id DESC) among full-text matches read from the index newest id first.
 * Sorting every match by time reads every match's row, one random page each; instead the matches
 * are read in id order, and `entry_blocks` (the newest time in each run of 1,024 ids) says when no
 * unread match can still be newer than the page's last row. Rows mostly arrive in time order, so
 * that is after about a page of rows; out of order, more are read, never a wrong one kept.
 */

interface Candidate {
  id: number
  ts: number
}

const FIRST_BATCH_MIN = 64
const BATCH_MAX = 2_000

const newer = (a: Candidate, b: Candidate): number => b.ts - a.ts || b.id - a.id

/** The lowest id a row newer than `ts` can have; null when no row is newer. */
function lowestIdNewerThan(db: Database.Database, ts: number): number | null {
  const block = statement(db, 'SELECT min(block) FROM entry_blocks WHERE max_ts > ?')
    .pluck()
    .get(ts) as number | null
  return block === null ? null : block * BLOCK_IDS
}

function rowsOf(db: Database.Database, filter: Filter, ids: number[]): Candidate[] {
  const terms = ['e.id IN (SELECT value FROM json_each(@ids))', ...filter.terms]
  const params: Record<string, unknown> = { ...filter.params, ids: JSON.stringify(ids) }
  delete params.fts
  return statement(db, `SELECT e.id, e.ts FROM entries e ${whereClause(terms)}`).all(
    params,
  ) as Candidate[]
}

export interface NewestOptions {
  /** Gives up (null) after reading this many ids without an answer. */
  maxRead?: number
  /** `ids` hold only the matches from this id up: null unless no match below it can be newer. */
  floor?: number
}

/**
 * Ids of the newest `wanted` rows among `ids` (which must come in descending order) that pass the
 * filter's terms, newest first; null when the options say it could not tell.
 */
export function newestOfIds(
  db: Database.Database,
  filter: Filter,
  ids: Iterator<number>,
  wanted: number,
  { maxRead = Infinity, floor = 0 }: NewestOptions = {},
): number[] | null {
  let top: Candidate[] = []
  let read = 0
  let batchSize = Math.max(FIRST_BATCH_MIN, wanted)
  let next = ids.next()
  while (!next.done) {
    if (read >= maxRead) return null
    const batch: number[] = []
    while (!next.done && batch.length < batchSize) {
      batch.push(next.value)
      next = ids.next()
    }
    read += batch.length
    top = [...top, ...rowsOf(db, filter, batch)].sort(newer).slice(0, wanted)
    batchSize = Math.min(BATCH_MAX, batchSize * 2)
    const last = top[wanted - 1]
    if (!last || (next.done && floor === 0)) continue
    // Rows below `lowest` are no newer than `last`, and at its time they rank after it (lower id).
    const lowest = lowestIdNewerThan(db, last.ts)
    if (lowest === null || (next.done ? floor : next.value) < lowest) {
      return top.map((row) => row.id)
    }
  }
  return floor > 0 ? null : top.map((row) => row.id)
}

export function* descending(ids: readonly number[]): Generator<number> {
  for (let i = ids.length - 1; i >= 0; i -= 1) yield ids[i] as number
}

/** Ids this far below the newest are read first, in index order, for a prefix query. */
const RECENT_IDS = 16_384

/**
 * A prefix query in index order (about half the cost of newest first, which reverses the whole
 * doclist it builds), from an id near the newest: enough when the matches there decide the page.
 */
export function newestInRecentIds(
  db: Database.Database,
  filter: Filter,
  fts: string,
  wanted: number,
): number[] | null {
  const top = statement(db, 'SELECT max(id) FROM entries').pluck().get() as number | null
  const floor = Math.max(0, (top ?? 0) - RECENT_IDS)
  // As a BigInt: FTS5 ignores a rowid bound bound as a REAL (how better-sqlite3 binds a number).
  const sql = 'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid >= ?'
  const ids = statement(db, sql).pluck().all(fts, BigInt(floor)) as number[]
  return newestOfIds(db, filter, descending(ids), wanted, { floor })
}
