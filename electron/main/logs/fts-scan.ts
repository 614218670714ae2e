import type Database from 'better-sqlite3'
import { whereClause, type Filter } from './filters'
import { statement } from './statements'

/*
 * Newest-first search for a full-text query that matches many rows. Sorting every match by time
 * would cost as much as the matches; instead the time index is walked in chunks (with the other
 * filters applied by SQL) and each chunk's ids are checked against the FTS index by rowid range,
 * which FTS5 answers with a seek. It stops as soon as the page is full.
 */

const CHUNK = 1_000
/** The first chunk is this many times the page: a common word fills it without a full chunk. */
const FIRST_CHUNK_PAGES = 2
/** After this many chunks without filling the page, one set-based query finishes the job. */
const MAX_CHUNKS = 50
/** Separate rowid-range probes per chunk at most; more are merged into one span... */
const MAX_PROBES = 4
/**
 * ...unless that span is this many times wider than the ids in it (a selective filter on a common
 * word): walking its doclist would read every match in between, so each id is looked up alone.
 */
const SPARSE_SPAN = 32

/** Groups sorted ids into ranges no more than ~4x wider than the ids they hold. */
export function idRanges(sortedIds: readonly number[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = []
  let start = sortedIds[0]
  let end = start
  let count = 0
  for (const id of sortedIds) {
    if (start === undefined || end === undefined) break
    if (count > 0 && id - start > 4 * (count + 1) + 64) {
      ranges.push([start, end])
      start = id
      count = 0
    }
    end = id
    count += 1
  }
  if (start !== undefined && end !== undefined) ranges.push([start, end])
  return ranges
}

/** A test of which of `ids` the full-text query matches, asked newest first. */
function matchingIds(
  db: Database.Database,
  fts: string,
  ids: readonly number[],
): (id: number) => boolean {
  // FTS5 walks a doclist from an end: downwards from `hi` (newest rows are near the top) is
  // cheap, while a lower bound makes it read from the bottom. So: descend and stop below `lo`.
  const probe = statement(
    db,
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid <= ? ORDER BY rowid DESC',
  ).pluck()
  const matched = new Set<number>()
  const sorted = [...ids].sort((a, b) => a - b)
  let ranges = idRanges(sorted)
  if (ranges.length > MAX_PROBES) {
    const [first = 0, last = 0] = [sorted[0], sorted[sorted.length - 1]]
    if (last - first > SPARSE_SPAN * sorted.length) return matchesOne(db, fts)
    // Each probe has a fixed cost: for scattered ids one pass over the whole span is cheaper.
    ranges = [[first, last]]
  }
  for (const [lo, hi] of ranges) {
    for (const id of probe.iterate(fts, hi) as IterableIterator<number>) {
      if (id < lo) break
      matched.add(id)
    }
  }
  return (id) => matched.has(id)
}

/**
 * One FTS5 seek per id, only for the ids the scan asks about before its page is full: cheap per
 * id, whatever the word's doclist holds between them.
 */
function matchesOne(db: Database.Database, fts: string): (id: number) => boolean {
  const probe = statement(
    db,
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid = ?',
  ).pluck()
  // As a BigInt: better-sqlite3 binds a number as a REAL, and FTS5 then ignores `rowid =`.
  return (id) => probe.get(fts, BigInt(id)) !== undefined
}

/** Ids of the newest `wanted` rows passing the filter and its full-text query, newest first. */
export function scanNewestMatches(db: Database.Database, filter: Filter, wanted: number): number[] {
  const fts = filter.fts
  if (fts === null) throw new Error('scanNewestMatches needs a full-text query')
  const found: number[] = []
  let position: { ts: number; id: number } | undefined
  for (let chunks = 0; found.length < wanted; chunks += 1) {
    const terms = [...filter.terms]
    const size = Math.min(CHUNK, wanted * FIRST_CHUNK_PAGES * 4 ** chunks)
    const params: Record<string, unknown> = { ...filter.params, chunk: size }
    delete params.fts
    if (position) {
      terms.push('e.ts <= @scanTs', '(e.ts < @scanTs OR e.id < @scanId)')
      params.scanTs = position.ts
      params.scanId = position.id
    }
    if (chunks >= MAX_CHUNKS) {
      // Matches are sparse here: finish with the set of all matches instead of walking on.
      const rest = statement(
        db,
        `SELECT e.id FROM entries e ${whereClause([
          'e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @fts)',
          ...terms,
        ])} ORDER BY e.ts DESC, e.id DESC LIMIT @rest`,
      )
        .pluck()
        .all({ ...params, fts, rest: wanted - found.length }) as number[]
      found.push(...rest)
      break
    }
    const chunk = statement(
      db,
      `SELECT e.id, e.ts FROM entries e ${whereClause(terms)}
       ORDER BY e.ts DESC, e.id DESC LIMIT @chunk`,
    ).all(params) as Array<{ id: number; ts: number }>
    if (chunk.length === 0) break
    const matches = matchingIds(
      db,
      fts,
      chunk.map((row) => row.id),
    )
    for (const row of chunk) {
      if (matches(row.id)) found.push(row.id)
      if (found.length >= wanted) break
    }
    const last = chunk[chunk.length - 1]
    if (!last || chunk.length < size) break
    position = last
  }
  return found
}
