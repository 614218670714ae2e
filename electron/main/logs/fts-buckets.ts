/** The bars of a histogram a full-text count adds its matches to, and the time span they cover. */

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

export type Bucketed = Map<number, BucketRow>

export function bucketOf(rows: Bucketed, b: number): BucketRow {
  let row = rows.get(b)
  if (!row) rows.set(b, (row = { b, total: 0, warn: 0, error: 0 }))
  return row
}

export const bucketIndexOf = (span: Span, ts: number): number =>
  Math.floor((ts - span.start) / span.bucket)

/** Whether a block of this time span lies in the range and in one bucket of it. */
export const inOneBucket = (span: Span, block: { min_ts: number; max_ts: number }): boolean =>
  block.min_ts >= span.from &&
  block.max_ts < span.to &&
  bucketIndexOf(span, block.min_ts) === bucketIndexOf(span, block.max_ts)

/** In SQL, the bucket of a row's `ts` (named parameters of a Span), -1 outside the range. */
export const BUCKET_OF_TS = `CASE WHEN ts >= @from AND ts < @to
    THEN CAST((ts - @start) / @bucket AS INTEGER) ELSE -1 END`
