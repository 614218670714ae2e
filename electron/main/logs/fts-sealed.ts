import type Database from 'better-sqlite3'
import { ALERT_LEVELS, BLOCK_IDS } from './blocks'
import { singleWord, wordBlocks, type WordBlock } from './block-words'
import {
  BUCKET_OF_TS,
  bucketIndexOf,
  bucketOf,
  inOneBucket,
  type Bucketed,
  type Span,
} from './fts-buckets'
import { countLevel } from './levels'
import { statement } from './statements'

/*
 * A one-word full-text histogram takes the sealed blocks that count the word from `block_words`
 * (block-words.ts) without reading the index. A block in one bucket adds its counts as they are.
 * One across a bucket's edge is cut at its edges: each piece but the widest is counted from the
 * ts and level indexes (no row read), and the widest takes the rest of the block's counts. A
 * block's rows are written about in time order, so a piece's rows are a short run of its ids,
 * and only that part of the word's match list is read.
 */

/** Blocks across a bar's edge counted in one step (about 0.15 ms each at 5M rows). */
const SPLITS_PER_STEP = 8

/**
 * The word's matches among the block's rows of [lo, hi), per bucket and level ('' for all of
 * them, then warn, error and fatal). The CROSS JOIN makes FTS5 read only the matches between the
 * least and greatest id of those rows, which the ts index gives.
 */
const PIECE_COUNTS = `WITH piece AS (
    SELECT min(id) AS a, max(id) AS z FROM entries INDEXED BY entries_ts
    WHERE ts >= @lo AND ts < @hi AND id BETWEEN @first AND @last),
  matches AS MATERIALIZED (
    SELECT rowid FROM piece CROSS JOIN entries_fts
    WHERE entries_fts MATCH @fts AND rowid BETWEEN piece.a AND piece.z)
  SELECT ${BUCKET_OF_TS} AS b, '' AS level, count(*) FROM entries INDEXED BY entries_ts
  WHERE ts >= @lo AND ts < @hi AND id IN matches GROUP BY b
  UNION ALL
  SELECT ${BUCKET_OF_TS} AS b, level, count(*) FROM entries INDEXED BY entries_level_ts_service
  WHERE level IN ${ALERT_LEVELS} AND ts >= @lo AND ts < @hi AND id IN matches GROUP BY b, level`

/** The block's span cut at the range's ends and the bucket edges inside it: [lo, hi) each. */
function piecesOf(span: Span, block: WordBlock): Array<[number, number]> {
  const cuts = [span.from, span.to]
  const edge = (k: number): number => span.start + k * span.bucket
  for (let k = bucketIndexOf(span, Math.max(block.min_ts, span.from)) + 1; ; k += 1) {
    if (edge(k) > block.max_ts || edge(k) >= span.to) break
    cuts.push(edge(k))
  }
  const inside = cuts.filter((ts) => ts > block.min_ts && ts <= block.max_ts).sort((a, b) => a - b)
  const bounds = [block.min_ts, ...new Set(inside), block.max_ts + 1]
  return bounds.slice(1).map((hi, i) => [bounds[i] as number, hi])
}

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
  const pieces = piecesOf(span, block)
  const widths = pieces.map(([lo, hi]) => hi - lo)
  const widest = widths.indexOf(Math.max(...widths))
  const [wideLo, wideHi] = pieces[widest] as [number, number]
  const first = block.block * BLOCK_IDS
  const counts: Array<[number, string, number]> = []
  for (const [lo, hi] of [
    [block.min_ts, wideLo],
    [wideHi, block.max_ts + 1],
  ] as const) {
    if (lo >= hi) continue
    const params = { ...span, fts, first, last: first + BLOCK_IDS - 1, lo, hi }
    counts.push(...(statement(db, PIECE_COUNTS).raw().all(params) as typeof counts))
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
  if (wideLo >= span.from && wideHi <= span.to) {
    const row = bucketOf(rows, bucketIndexOf(span, wideLo))
    row.total += rest.total
    row.warn += rest.warn
    row.error += rest.error
  }
  return true
}

/**
 * For a one-word search, adds the sealed blocks that count the word: the blocks the index need
 * not be read for, and how many matches they held in the range.
 */
export function* countSealedBlocks(
  db: Database.Database,
  fts: string,
  blocks: { lo: number; hi: number },
  span: Span,
  rows: Bucketed,
): Generator<void, { counted: Set<number>; matches: number }> {
  const counted = new Set<number>()
  let matches = 0
  let split = 0
  const word = singleWord(fts)
  if (word === null) return { counted, matches }
  for (const block of wordBlocks(db, word, blocks.lo, blocks.hi)) {
    const outside = block.max_ts < span.from || block.min_ts >= span.to
    if (!outside && inOneBucket(span, block)) {
      const row = bucketOf(rows, bucketIndexOf(span, block.min_ts))
      row.total += block.total
      row.warn += block.warn
      row.error += block.error
    } else if (!outside) {
      if (++split % SPLITS_PER_STEP === 0) yield
      if (!countSplitBlock(db, fts, block, span, rows)) continue
    }
    counted.add(block.block)
    if (!outside) matches += block.total
  }
  return { counted, matches }
}
