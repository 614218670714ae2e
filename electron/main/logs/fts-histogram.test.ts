import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logHistogramInput } from '../../../shared/contract'
import { createEntryBlocks } from './blocks'
import { openLogDatabase } from './database'
import { buildFilter } from './filters'
import { sealWordBlocks } from './block-words'
import { ftsHistogramSteps } from './fts-histogram'
import { phraseMatchIds } from './fts-phrase'
import { histogram } from './queries'
import { LogStore } from './store'
import { backToSchema3 } from '../../../test/support/older-log-file'
import { rowByRow } from '../../../test/support/histogram-rows'

const START = Date.UTC(2025, 0, 1)
const SERVICES = ['api', 'emailer', 'logger']
const LINES = 6_000
let dir: string
let store: LogStore

/** In time order but for a few lines from the future; a late backlog (far older) comes apart. */
const timeOf = (i: number): number =>
  i % 997 === 0 && i > 4_000 ? START + 1e9 + i : START + i * 1_000

const levelOf = (i: number): string =>
  i % 10 === 0 ? 'ERROR' : i % 13 === 0 ? 'WARN' : i % 301 === 0 ? 'FATAL' : 'INFO'

const textOf = (i: number): string =>
  `${levelOf(i)} every ${i % 7 === 0 ? 'mid ' : ''}${i % 500 === 0 ? 'rare ' : ''}line ${i}`

const line = (time: number, i: number) => ({
  stream: 'stdout' as const,
  time: new Date(time).toISOString(),
  text: textOf(i),
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-histogram-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  const byService = SERVICES.map((service, s) =>
    Array.from({ length: LINES }, (_, i) => line(timeOf(i) + s, i)),
  )
  // In batches from each service in turn, as the collector sends them: ids grow with arrival.
  for (let i = 0; i < LINES; i += 500) {
    SERVICES.forEach((service, s) => store.ingestLogLines(service, byService[s]!.slice(i, i + 500)))
    if (i === 2_000) {
      const backlog = Array.from({ length: 1_500 }, (_, j) => line(START - 1e8 + j * 1_000, j))
      store.ingestLogLines('backlog', backlog)
    }
  }
  await store.flush()
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/**
 * Compares every bar of many searches, bucket counts and ranges with the row-by-row count: the
 * histogram as the store gives it, and by blocks in steps. Returns how many matches it compared.
 */
function compareWithRows(db: Database.Database): { compared: number; yields: number } {
  const edge = (sql: string): number => db.prepare(sql).pluck().get() as number
  const ranges = [
    {},
    { from: START + 600_000, to: START + 4_000_000 },
    { from: START + 1_234_567, to: START + 5_432_100 },
    { from: START - 1e8 },
    // From the newest row of one block to the oldest of another: rows right at both edges.
    ...[12, 14, 16].map((last) => ({
      from: edge('SELECT max_ts FROM entry_blocks WHERE block = 3'),
      to: edge(`SELECT min_ts FROM entry_blocks WHERE block = ${last}`),
    })),
  ]
  let compared = 0
  let yields = 0
  // A phrase with few rows (and one with none) is counted from the word-pair index's matches.
  expect(phraseMatchIds(db, '"rare line"')?.length).toBeGreaterThan(10)
  expect(phraseMatchIds(db, '"line rare"')).toEqual([])
  const texts = ['every', 'rare', 'ERROR', 'li*', '"every mid"', '"rare line"', '"line rare"']
  for (const text of [...texts, 'none']) {
    for (const buckets of [5, 60, 500]) {
      for (const range of ranges) {
        const bars = histogram(db, logHistogramInput.parse({ query: { text, ...range }, buckets }))
        // The first bucket starts at or before the range's own start.
        const from = range.from ?? bars.from
        const exact = rowByRow(db, bars, text, from)
        const what = `${text}, ${buckets} buckets, ${JSON.stringify(range)}`
        expect(bars.buckets, what).toEqual(exact)
        // By blocks however many rows that reads (the histogram falls back past half).
        const span = { start: bars.from, bucket: bars.bucketMs, from, to: bars.to }
        const fts = buildFilter(db, { text }).fts as string
        // Levels read row by row, and from the level index in steps that end inside blocks.
        for (const options of [{ readLevelsAbove: Infinity }, { readLevelsAbove: 0, step: 777 }]) {
          const byBlocks = bars.buckets.map((bucket) => ({
            ...bucket,
            total: 0,
            warn: 0,
            error: 0,
          }))
          const steps = ftsHistogramSteps(db, fts, span, { maxRead: 1, ...options })
          let next = steps.next()
          for (; next.done !== true; next = steps.next()) yields += 1
          for (const row of next.value ?? []) {
            const bucket = byBlocks[row.b]!
            Object.assign(bucket, { total: row.total, warn: row.warn, error: row.error })
          }
          expect(byBlocks, `${what}, by blocks, ${JSON.stringify(options)}`).toEqual(exact)
        }
        compared += bars.buckets.reduce((sum, bucket) => sum + bucket.total, 0)
      }
    }
  }
  return { compared, yields }
}

describe('full-text histogram by blocks of ids', () => {
  it('counts what every match row by row counts, for rows written out of time order', () => {
    const { compared, yields } = compareWithRows(store.reader())
    expect(compared).toBeGreaterThan(LINES)
    expect(yields).toBeGreaterThan(100)
  }, 30_000)

  it('counts the sealed blocks of a frequent word from block_words, as every match would', () => {
    const db = store.reader()
    while (sealWordBlocks(db)) {
      // A few blocks a step, as the worker seals them once quiet.
    }
    const count = (sql: string): number => db.prepare(sql).pluck().get() as number
    const sealed = count('SELECT count(*) FROM block_words_sealed')
    expect(sealed).toBe(
      count('SELECT max(id) >> 10 FROM entries') - count('SELECT min(id) >> 10 FROM entries'),
    )
    // 'every' is in every row, 'mid' in 1 of 7, 'rare' in 1 of 500 (too few to be kept).
    expect(count("SELECT count(*) FROM block_words WHERE word = 'every'")).toBe(sealed)
    expect(count("SELECT count(*) FROM block_words WHERE word = 'mid'")).toBe(sealed)
    expect(count("SELECT count(*) FROM block_words WHERE word = 'rare'")).toBe(0)
    expect(compareWithRows(db).compared).toBeGreaterThan(LINES)

    // A row deleted from a sealed block (retention) or written into one unseals it.
    const row = db.prepare('SELECT * FROM entries WHERE id = ?')
    const kept = row.get(3 * 1024 + 7) as Record<string, unknown>
    db.prepare('DELETE FROM entries WHERE id = ?').run(3 * 1024 + 7)
    expect(count('SELECT count(*) FROM block_words WHERE block = 3')).toBe(0)
    expect(compareWithRows(db).compared).toBeGreaterThan(LINES)
    sealWordBlocks(db)
    expect(count('SELECT count(*) FROM block_words_sealed WHERE block = 3')).toBe(1)
    const columns = Object.keys(kept)
    db.prepare(
      `INSERT INTO entries (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    ).run(kept)
    expect(count('SELECT count(*) FROM block_words_sealed WHERE block = 3')).toBe(0)
    expect(compareWithRows(db).compared).toBeGreaterThan(LINES)
  }, 60_000)

  it('keeps the time span and the warn/error rows of every 1,024 ids, also for a migrated file', () => {
    const db = store.reader()
    const spans = 'SELECT block, max_ts, min_ts FROM entry_blocks ORDER BY block'
    const exactSpans = `SELECT id >> 10 AS block, max(ts) AS max_ts, min(ts) AS min_ts
      FROM entries GROUP BY 1 ORDER BY 1`
    const alerts = (handle: Database.Database): string[] =>
      (
        handle.prepare('SELECT block, offsets FROM entry_alerts').all() as Array<{
          block: number
          offsets: string
        }>
      )
        .flatMap(({ block, offsets }) =>
          (offsets.match(/.{3}/g) ?? []).map((hex) => block * 1024 + parseInt(hex, 16)),
        )
        .sort((a, b) => a - b)
        .map(String)
    const exactAlerts = (
      db
        .prepare("SELECT id FROM entries WHERE level IN ('warn', 'error', 'fatal') ORDER BY id")
        .pluck()
        .all() as number[]
    ).map(String)
    expect(exactAlerts.length).toBeGreaterThan(LINES / 2)
    expect(db.prepare(spans).all()).toEqual(db.prepare(exactSpans).all())
    expect(alerts(db)).toEqual(exactAlerts)

    // A file from the previous schema: filled in by the migration, step by step.
    const old = join(dir, 'old.db')
    const made = openLogDatabase(old)
    made.exec(`ATTACH '${join(dir, 'logs.db')}' AS src;
      INSERT INTO main.entries SELECT * FROM src.entries;
      DETACH src;`)
    backToSchema3(made)
    createEntryBlocks(made)
    made.pragma('user_version = 4')
    made.close()
    const steps: string[] = []
    const migrated = openLogDatabase(old, { onProgress: (message) => steps.push(message) })
    expect(migrated.prepare(spans).all()).toEqual(db.prepare(exactSpans).all())
    expect(alerts(migrated)).toEqual(exactAlerts)
    expect(steps).toHaveLength(44)
    expect(steps.at(-1)).toMatch(/100%/)
    migrated.close()
  })
})
