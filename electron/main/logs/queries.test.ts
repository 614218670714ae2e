import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logHistogramInput, logSearchInput } from '../../../shared/contract'
import { buildFilter } from './filters'
import { idRanges, scanNewestMatches } from './fts-scan'
import { histogram, searchEntries } from './queries'
import { LogStore } from './store'

const START = Date.UTC(2025, 0, 1)
const SERVICES = ['api', 'emailer', 'logger']
let dir: string
let store: LogStore

/** One line in ten an error; a few warnings, far apart (a selective filter on a common word). */
const levelOf = (i: number): string => (i % 10 === 0 ? 'ERROR' : i % 150 === 75 ? 'WARN' : 'info')

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-queries-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  // 3,000 lines over 5 hours; written out of time order, as a late backlog would be.
  for (const service of SERVICES) {
    const order = Array.from({ length: 1_000 }, (_, i) => (i * 389) % 1_000)
    store.ingestLogLines(
      service,
      order.map((i) => ({
        stream: 'stdout' as const,
        time: new Date(START + i * 18_000 + SERVICES.indexOf(service)).toISOString(),
        text: `${levelOf(i)} ${i % 3 === 0 ? 'common' : 'other'} line ${i}`,
      })),
    )
  }
  await store.flush()
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('scanNewestMatches (many full-text matches)', () => {
  it('returns the same newest matches as sorting every match', () => {
    const db = store.reader()
    for (const query of [
      { text: 'common' },
      { text: 'common', services: ['api'] },
      { text: 'common', levels: ['error' as const] },
      { text: 'common', levels: ['warn' as const] },
      { text: 'common', levels: ['error' as const], services: ['emailer'] },
    ]) {
      const filter = buildFilter(db, query)
      const scanned = scanNewestMatches(db, filter, 150)
      const sorted = searchEntries(db, logSearchInput.parse({ query, limit: 150 })).entries.map(
        (e) => e.id,
      )
      expect(scanned).toEqual(sorted)
      const texts = store.reader().prepare('SELECT text FROM entries WHERE id = ?').pluck()
      for (const id of scanned) expect(texts.get(id)).toContain('common')
    }
  })

  it('walks a level and service filter in time order on one index, reading no row', () => {
    const plan = store
      .reader()
      .prepare(
        `EXPLAIN QUERY PLAN SELECT e.id, e.ts FROM entries e
         WHERE e.service IN ('api') AND e.level IN ('error') ORDER BY e.ts DESC, e.id DESC LIMIT 9`,
      )
      .all()
      .map((row) => (row as { detail: string }).detail)
    expect(plan[0]).toMatch(/COVERING INDEX entries_(service|level)_ts_/)
    // Rows with equal times are put in id order as they come; nothing sorts the whole walk.
    expect(plan).not.toContain('USE TEMP B-TREE FOR ORDER BY')
  })

  it('continues after a cursor', () => {
    const db = store.reader()
    const first = searchEntries(db, logSearchInput.parse({ query: { text: 'common' }, limit: 40 }))
    const filter = buildFilter(db, { text: 'common' })
    const cursor = first.nextCursor!.split(':').map(Number)
    filter.terms.push('e.ts <= @cursorTs', '(e.ts < @cursorTs OR e.id < @cursorId)')
    Object.assign(filter.params, { cursorTs: cursor[0], cursorId: cursor[1] })
    const next = searchEntries(
      db,
      logSearchInput.parse({ query: { text: 'common' }, limit: 40, cursor: first.nextCursor! }),
    )
    expect(scanNewestMatches(db, filter, 40)).toEqual(next.entries.map((e) => e.id))
  })
})

describe('idRanges', () => {
  it('groups dense ids into one range and keeps sparse ones apart', () => {
    expect(idRanges([1, 2, 3, 5, 8])).toEqual([[1, 8]])
    expect(idRanges([1, 2, 10_000, 10_001, 50_000])).toEqual([
      [1, 2],
      [10_000, 10_001],
      [50_000, 50_000],
    ])
    expect(idRanges([])).toEqual([])
  })
})

describe('histogram from the per-minute rollup', () => {
  it('counts the same as scanning the entries', () => {
    const db = store.reader()
    const query = { from: START, to: START + 5 * 3_600_000 }
    const rollup = histogram(db, logHistogramInput.parse({ query, buckets: 50 }))
    expect(rollup.bucketMs).toBe(600_000)
    // A container filter is not in the rollup: the same histogram by scanning.
    const scan = histogram(
      db,
      logHistogramInput.parse({ query: { ...query, containers: SERVICES }, buckets: 50 }),
    )
    expect(rollup.buckets).toEqual(scan.buckets)
    expect(rollup.buckets.reduce((n, b) => n + b.total, 0)).toBe(3_000)
    expect(rollup.buckets.reduce((n, b) => n + b.error, 0)).toBe(300)
    const api = histogram(
      db,
      logHistogramInput.parse({ query: { ...query, services: ['api'], levels: ['error'] } }),
    )
    expect(api.buckets.reduce((n, b) => n + b.total, 0)).toBe(100)
  })

  it('spans the stored rows when the range has no start ("All"), however late it ends', () => {
    const db = store.reader()
    const lastRow = START + 999 * 18_000 + 2
    const now = START + 400 * 86_400_000
    const bars = histogram(db, logHistogramInput.parse({ query: { to: now }, buckets: 50 }))
    expect(bars.to).toBe(lastRow + 1)
    expect(bars.from).toBeLessThanOrEqual(START)
    expect(bars.bucketMs).toBe(600_000)
    expect(bars.buckets.reduce((n, b) => n + b.total, 0)).toBe(3_000)
    // With a start, the bars still end where the range does.
    const ranged = histogram(db, logHistogramInput.parse({ query: { from: START, to: now } }))
    expect(ranged.to).toBe(now)
  })

  it('sums to what a search of the same range finds, at any range', () => {
    const db = store.reader()
    const countAll = (query: { from: number; to: number }): number => {
      const found = searchEntries(db, logSearchInput.parse({ query, limit: 1000 }))
      expect(found.nextCursor).toBeNull()
      return found.entries.length
    }
    // Ranges cut in the middle of minutes and buckets, as "the last 15 minutes" does.
    for (const [offset, span] of [
      [7_777, 15 * 60_000],
      [123_456, 3_600_000],
      [45_001, 90 * 60_000],
    ] as const) {
      const query = { from: START + offset, to: START + offset + span }
      const bars = histogram(db, logHistogramInput.parse({ query, buckets: 80 }))
      const total = bars.buckets.reduce((n, b) => n + b.total, 0)
      expect(total).toBeGreaterThan(0)
      expect(total).toBeLessThan(1000)
      expect(total).toBe(countAll(query))
    }
  })
})
