import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logHistogramInput } from '../../../shared/contract'
import { sealWordBlocks } from './block-words'
import { ftsHistogramSteps, completed } from './fts-histogram'
import { histogram } from './queries'
import { rowByRow } from '../../../test/support/histogram-rows'
import { openTempLogStore, type TempLogStore } from '../../../test/support/temp-log-store'

const START = Date.UTC(2025, 0, 1)
const ROWS = 4 * 1_024 + 200
let temp: TempLogStore

/** One row a second, but one in 6 stamped 3.5 s early (it came late): each block out of order. */
const timeOf = (i: number): number => START + i * 1_000 - (i % 6 === 5 ? 3_500 : 0)

const levelOf = (i: number): string =>
  i % 7 === 0 ? 'WARN' : i % 11 === 0 ? 'ERROR' : i % 29 === 0 ? 'FATAL' : 'INFO'

const textOf = (i: number): string =>
  `${levelOf(i)} ${i % 4 === 3 ? 'other' : 'common'} line ${i}${i % 20 === 0 ? ' sparse' : ''}`

beforeAll(async () => {
  temp = openTempLogStore('maildock-fts-sealed-')
  const lines = Array.from({ length: ROWS }, (_, i) => ({
    stream: 'stdout' as const,
    time: new Date(timeOf(i)).toISOString(),
    text: textOf(i),
  }))
  temp.store.ingestLogLines('api', lines)
  await temp.store.flush()
  const db = temp.store.reader()
  while (sealWordBlocks(db)) {
    // A few blocks a step, as the worker seals them once quiet.
  }
})

afterAll(() => temp.remove())

interface Range {
  from?: number
  to?: number
}

/** The bars of `text` from the histogram, and counted by blocks reading no match's row. */
function bars(db: Database.Database, text: string, range: Range, buckets: number) {
  const histogramBars = histogram(
    db,
    logHistogramInput.parse({ query: { text, ...range }, buckets }),
  )
  const from = range.from ?? histogramBars.from
  const span = {
    start: histogramBars.from,
    bucket: histogramBars.bucketMs,
    from,
    to: histogramBars.to,
  }
  // maxRead 0: null as soon as one match would be read row by row.
  const counted = completed(ftsHistogramSteps(db, text, span, { maxRead: 0 }))
  const byBlocks = histogramBars.buckets.map((bucket) => ({
    ...bucket,
    total: 0,
    warn: 0,
    error: 0,
  }))
  for (const { b, total, warn, error } of counted ?? []) {
    Object.assign(byBlocks[b]!, { total, warn, error })
  }
  const exact = rowByRow(db, histogramBars, text, from)
  return { histogram: histogramBars.buckets, byBlocks: counted && byBlocks, exact }
}

describe('full-text histogram of sealed blocks across bucket edges', () => {
  it('cuts each block at the edges its span meets, exactly as counting every match', () => {
    const db = temp.store.reader()
    const count = (sql: string): number => db.prepare(sql).pluck().get() as number
    expect(count('SELECT count(*) FROM block_words_sealed')).toBe(4)
    // The newest block is not sealed: a range that ends where it starts reads no row at all.
    const newest = count('SELECT min_ts FROM entry_blocks WHERE block = 4')
    const ranges: Range[] = [
      { to: newest },
      // Bars of hours: most blocks lie in one.
      { from: START - 10 * 3_600_000, to: newest },
      { from: START + 500_500, to: START + 3_000_250 },
      { from: START + 1_500_000, to: newest },
      // Inside one block: the range's ends cut it, and the bars between them.
      { from: START + 100_000, to: START + 300_000 },
      { from: START + 2_100_000, to: START + 2_101_000 },
    ]
    let compared = 0
    const phrases = ['"common line"', '"warn common"', '"other line"', '"line common"']
    for (const text of ['common', 'sparse', 'warn', 'error', ...phrases]) {
      for (const buckets of [5, 60, 500]) {
        for (const range of ranges) {
          const { histogram: histogramBars, byBlocks, exact } = bars(db, text, range, buckets)
          const what = `${text}, ${buckets} buckets, ${JSON.stringify(range)}`
          expect(histogramBars, what).toEqual(exact)
          expect(byBlocks, `${what}, reading no row`).toEqual(exact)
          compared += exact.reduce((sum, bucket) => sum + bucket.total, 0)
        }
      }
    }
    expect(compared).toBeGreaterThan(ROWS)
  })

  it('takes a two-word phrase from the counts of its word pair', () => {
    const db = temp.store.reader()
    const newest = db.prepare('SELECT min_ts FROM entry_blocks WHERE block = 4').pluck().get()
    // Bars of hours: every sealed block lies in one, and adds its count of the pair as it is.
    const range = { from: START - 10 * 3_600_000, to: newest as number }
    const total = () =>
      bars(db, '"Common line"', range, 5).histogram.reduce((sum, bucket) => sum + bucket.total, 0)
    const exact = total()
    expect(exact).toBeGreaterThan(ROWS / 2)
    db.exec('BEGIN')
    try {
      db.exec("UPDATE block_words SET total = total + 1000 WHERE word = 'common_line'")
      expect(total()).toBe(exact + 4 * 1000)
    } finally {
      db.exec('ROLLBACK')
    }
  })

  it('reads from the index the matches of a cut block whose pieces hold more than it counts', () => {
    const db = temp.store.reader()
    const newest = db.prepare('SELECT min_ts FROM entry_blocks WHERE block = 4').pluck().get()
    db.exec('BEGIN')
    try {
      // As if block_words had missed rows; 500 bars cut every block.
      db.exec("UPDATE block_words SET total = 4 WHERE word = 'common'")
      for (const range of [{ to: newest as number }, {}]) {
        const { histogram: histogramBars, exact } = bars(db, 'common', range, 500)
        expect(histogramBars, JSON.stringify(range)).toEqual(exact)
        expect(exact.reduce((sum, bucket) => sum + bucket.total, 0)).toBeGreaterThan(ROWS / 2)
      }
    } finally {
      db.exec('ROLLBACK')
    }
  })
})
