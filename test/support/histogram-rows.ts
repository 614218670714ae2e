import type Database from 'better-sqlite3'
import type { LogHistogram } from '../../shared/contract'
import { buildFilter } from '../../electron/main/logs/filters'

/** The bars of a full-text histogram counted row by row over every match, from `from` on. */
export function rowByRow(
  db: Database.Database,
  bars: LogHistogram,
  text: string,
  from: number,
): LogHistogram['buckets'] {
  const fts = buildFilter(db, { text }).fts
  const rows = db
    .prepare(
      `SELECT CAST((e.ts - @start) / @bucket AS INTEGER) AS b, count(*) AS total,
        sum(e.level = 'warn') AS warn, sum(e.level IN ('error', 'fatal')) AS error
      FROM entries e WHERE e.id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH @fts)
        AND e.ts >= @from AND e.ts < @to GROUP BY b`,
    )
    .all({ fts, start: bars.from, bucket: bars.bucketMs, from, to: bars.to }) as Array<{
    b: number
    total: number
    warn: number
    error: number
  }>
  const buckets = bars.buckets.map((bucket) => ({ ...bucket, total: 0, warn: 0, error: 0 }))
  for (const row of rows) {
    const bucket = buckets[row.b]
    if (!bucket) continue
    bucket.total += row.total
    bucket.warn += row.warn
    bucket.error += row.error
  }
  return buckets
}
