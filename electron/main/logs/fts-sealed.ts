import type Database from 'better-sqlite3'
import { ALERT_LEVELS, BLOCK_IDS } from './blocks'
import { sealedToken } from './block-words'
import { BUCKET_OF_TS, bucketIndexOf, bucketOf, type Bucketed, type Span } from './fts-buckets'
import { countLevel } from './levels'
import { statement } from './statements'

/*
 * A full-text histogram of one word or a two-word phrase takes the sealed blocks that count it
 * from `block_words` (block-words.ts) without reading the index. A block in one bucket adds its
 * counts as they are. One across a bucket's edge is cut at its edges: each piece but the widest is
 * counted from the ts and level indexes (no row read), and the widest takes the rest of the
 * block's counts. A block's rows are written about in time order, so a piece's rows are a short
 * run of its ids, and only that part of the match list is read.
 */

/** A sealed block's counts of the word. */
interface WordBlock {
  block: number
  total: number
  warn: number
  error: number
}

interface BlockSpan {
  min_ts: number
  max_ts: number
}

/** Blocks across a bar's edge counted in one step (about 0.15 ms each at 5M rows). */
const SPLITS_PER_STEP = 8

/**
 * The word's matches among the block's rows of [lo, hi), per bucket (`bucket`, SQL of `ts`) and
 * level ('' for all of them, then warn, error and fatal). The CROSS JOIN makes FTS5 read only the
 * matches between the least and greatest id of those rows, which the ts index gives.
 */
const pieceCounts = (bucket: string): string => `WITH piece AS (
    SELECT min(id) AS a, max(id) AS z FROM entries INDEXED BY entries_ts
    WHERE ts >= @lo AND ts < @hi AND id BETWEEN @first AND @last),
  matches AS MATERIALIZED (
    SELECT rowid FROM piece CROSS JOIN entries_fts
    WHERE entries_fts MATCH @fts AND rowid BETWEEN piece.a AND piece.z)
  SELECT ${bucket} AS b, '' AS level, count(*) FROM entries INDEXED BY entries_ts
  WHERE ts >= @lo AND ts < @hi AND id IN matches GROUP BY b
  UNION ALL
  SELECT ${bucket} AS b, level, count(*) FROM entries INDEXED BY entries_level_ts_service
  WHERE level IN ${ALERT_LEVELS} AND ts >= @lo AND ts < @hi AND id IN matches GROUP BY b, level`
const PIECES_COUNTS = pieceCounts(BUCKET_OF_TS)
/** Of rows that are all in bucket @b: no bucket to work out row by row. */
const PIECE_COUNTS = pieceCounts('@b')

/** The block's span cut at the range's ends and the bucket edges inside it: [lo, hi) each. */
function piecesOf(span: Span, min_ts: number, max_ts: number): Array<[number, number]> {
  const cuts = [span.from, span.to]
  const edge = (k: number): number => span.start + k * span.bucket
  for (let k = bucketIndexOf(span, Math.max(min_ts, span.from)) + 1; ; k += 1) {
    if (edge(k) > max_ts || edge(k) >= span.to) break
    cuts.push(edge(k))
  }
  const inside = cuts.filter((ts) => ts > min_ts && ts <= max_ts).sort((a, b) => a - b)
  const bounds = [min_ts, ...new Set(inside), max_ts + 1]
  return bounds.slice(1).map((hi, i) => [bounds[i] as number, hi])
}

/** The bucket a piece lies in, -1 outside the range. */
const bucketOfPiece = (span: Span, [lo, hi]: [number, number]): number =>
  lo >= span.from && hi <= span.to ? bucketIndexOf(span, lo) : -1

/**
 * A sealed block across a bucket's edge, counted in SQL: false, adding nothing, when its pieces
 * hold more matches than `block_words` counts (rows it does not hold): then its matches are read
 * one by one.
 */
function countSplitBlock(
  db: Database.Database,
  fts: string,
  block: WordBlock,
  span: Span,
  rows: Bucketed,
): boolean {
  const sql = 'SELECT min_ts, max_ts FROM entry_blocks WHERE block = ?'
  const { min_ts, max_ts } = statement(db, sql).get(block.block) as BlockSpan
  const pieces = piecesOf(span, min_ts, max_ts)
  const widths = pieces.map(([lo, hi]) => hi - lo)
  const widest = widths.indexOf(Math.max(...widths))
  const first = block.block * BLOCK_IDS
  const params = { ...span, fts, first, last: first + BLOCK_IDS - 1 }
  const counts: Array<[number, string, number]> = []
  for (const side of [pieces.slice(0, widest), pieces.slice(widest + 1)]) {
    const [lo] = side[0] ?? []
    const [, hi] = side[side.length - 1] ?? []
    if (lo === undefined || hi === undefined) continue
    const sql = side.length === 1 ? PIECE_COUNTS : PIECES_COUNTS
    const b = bucketOfPiece(span, [lo, hi])
    counts.push(
      ...(statement(db, sql)
        .raw()
        .all({ ...params, lo, hi, b }) as typeof counts),
    )
  }
  const rest = { total: block.total, warn: block.warn, error: block.error }
  for (const [, level, n] of counts) {
    if (level === '') rest.total -= n
    else countLevel(rest, level, -n)
  }
  if (rest.total < 0 || rest.warn < 0 || rest.error < 0) return false
  for (const [b, level, n] of counts) {
    if (b < 0) continue
    if (level === '') bucketOf(rows, b).total += n
    else countLevel(bucketOf(rows, b), level, n)
  }
  const wideBucket = bucketOfPiece(span, pieces[widest] as [number, number])
  if (wideBucket >= 0) {
    const row = bucketOf(rows, wideBucket)
    row.total += rest.total
    row.warn += rest.warn
    row.error += rest.error
  }
  return true
}

/**
 * The sealed blocks in [lo, hi] that count the word (unsealing a block deletes its words in the
 * same statement), grouped: those in one bucket by bucket (k >= 0), those outside the range
 * (-1), and each other one on its own (-2 - block). @start and @bucket are bound as integers:
 * their integer division is the bucket (no block in the range starts before `start`).
 */
const SEALED_GROUPS = `SELECT CASE
    WHEN b.max_ts < @from OR b.min_ts >= @to THEN -1
    WHEN b.min_ts >= @from AND b.max_ts < @to
      AND (b.min_ts - @start) / @bucket = (b.max_ts - @start) / @bucket
      THEN (b.min_ts - @start) / @bucket
    ELSE -2 - w.block END AS k,
    count(*), sum(w.total), sum(w.warn), sum(w.error)
  FROM block_words w JOIN entry_blocks b ON b.block = w.block
  WHERE w.word = @word AND w.block BETWEEN @lo AND @hi GROUP BY k`

/**
 * For a search of one word or a two-word phrase, adds the sealed blocks that count it: how many
 * matches they held in the range, and the runs of blocks in [lo, hi] (first and last) left to read
 * from the index.
 */
export function* countSealedBlocks(
  db: Database.Database,
  fts: string,
  { lo, hi }: { lo: number; hi: number },
  span: Span,
  rows: Bucketed,
): Generator<void, { uncounted: Array<[number, number]>; matches: number }> {
  const word = sealedToken(fts)
  if (word === null) return { uncounted: [[lo, hi]], matches: 0 }
  const params = { ...span, start: BigInt(span.start), bucket: BigInt(span.bucket), word, lo, hi }
  const groups = statement(db, SEALED_GROUPS).raw().all(params) as number[][]
  let matches = 0
  let sealed = 0
  let split = 0
  const unsplit: number[] = []
  for (const [k = -1, n = 0, total = 0, warn = 0, error = 0] of groups) {
    sealed += n
    if (k >= 0) {
      const row = bucketOf(rows, k)
      row.total += total
      row.warn += warn
      row.error += error
      matches += total
    } else if (k < -1) {
      if (++split % SPLITS_PER_STEP === 0) yield
      const block = { block: -2 - k, total, warn, error }
      if (countSplitBlock(db, fts, block, span, rows)) matches += total
      else unsplit.push(block.block)
    }
  }
  return { uncounted: uncountedRuns(db, word, { lo, hi, sealed }, unsplit), matches }
}

/** The blocks in [lo, hi] that keep their counts of the word, and the first and last of them. */
const KEPT = 'SELECT block FROM block_words WHERE word = @word AND block BETWEEN @lo AND @hi'
const KEPT_ENDS = `SELECT (SELECT min(block) FROM (${KEPT})), (SELECT max(block) FROM (${KEPT}))`

/**
 * The runs of blocks in [lo, hi] whose counts of the word are not kept, and of `unsplit`. Most
 * often the `sealed` blocks that keep them are a run themselves.
 */
function uncountedRuns(
  db: Database.Database,
  word: string,
  { lo, hi, sealed }: { lo: number; hi: number; sealed: number },
  unsplit: number[],
): Array<[number, number]> {
  if (sealed === 0) return [[lo, hi]]
  const [first, last] = statement(db, KEPT_ENDS).raw().get({ word, lo, hi }) as [number, number]
  const left = [...unsplit]
  if (sealed !== last - first + 1) {
    const kept = new Set(statement(db, KEPT).pluck().all({ word, lo, hi }) as number[])
    for (let block = first; block <= last; block += 1) if (!kept.has(block)) left.push(block)
  }
  const runs = runsOf(left.sort((a, b) => a - b))
  if (first > lo) runs.unshift([lo, first - 1])
  if (last < hi) runs.push([last + 1, hi])
  return runs
}

/** Ascending blocks as runs of consecutive ones, first and last. */
function runsOf(blocks: readonly number[]): Array<[number, number]> {
  const runs: Array<[number, number]> = []
  for (const block of blocks) {
    const last = runs[runs.length - 1]
    if (last !== undefined && last[1] === block - 1) last[1] = block
    else runs.push([block, block])
  }
  return runs
}
