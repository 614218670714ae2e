import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logSearchInput, type LogQuery } from '../../../shared/contract'
import { openLogDatabase } from './database'
import { afterCursor, buildFilter, whereClause } from './filters'
import { newestInRecentIds } from './fts-newest'
import { searchEntries } from './queries'
import { LogStore } from './store'
import { backToSchema3 } from '../../../test/support/older-log-file'

const START = Date.UTC(2025, 0, 1)
const SERVICES = ['api', 'emailer', 'logger']
const LINES = 8_000
let dir: string
let store: LogStore

/** Mostly in time order; every 50th line a late backlog (far older), a few from the future. */
const timeOf = (i: number): number =>
  i % 997 === 0 && i > 7_000 ? START + 1e9 + i : i % 50 === 0 ? START - 1e8 + i : START + i * 1_000

const textOf = (i: number): string =>
  `${i % 10 === 0 ? 'ERROR' : 'INFO'} every ${i % 7 === 0 ? 'mid ' : ''}${i % 500 === 0 ? 'rare ' : ''}line ${i}`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-newest-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  const lines = (service: string) =>
    Array.from({ length: LINES }, (_, i) => ({
      stream: 'stdout' as const,
      time: new Date(timeOf(i) + SERVICES.indexOf(service)).toISOString(),
      text: textOf(i),
    }))
  const byService = SERVICES.map(lines)
  // In batches from each service in turn, as the collector sends them: ids grow with arrival.
  for (let i = 0; i < LINES; i += 500) {
    SERVICES.forEach((service, s) => store.ingestLogLines(service, byService[s]!.slice(i, i + 500)))
  }
  await store.flush()
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Every match sorted by time: what a search must return, page by page. */
function sortedMatches(db: Database.Database, query: LogQuery, limit: number, cursor?: string) {
  const filter = buildFilter(db, query)
  afterCursor(cursor, filter)
  const sql = `SELECT e.id FROM entries_fts JOIN entries e ON e.id = entries_fts.rowid
    ${whereClause(['entries_fts MATCH @fts', ...filter.terms])}
    ORDER BY e.ts DESC, e.id DESC LIMIT @limit`
  return db
    .prepare(sql)
    .pluck()
    .all({ ...filter.params, limit }) as number[]
}

describe('newest full-text matches', () => {
  it('are the same rows, page after page, as sorting every match by time', () => {
    const db = store.reader()
    const texts = ['every', 'mid', 'rare', 'mi*', 'ever*', '"every line"', '"line every"', 'zzz']
    let checked = 0
    for (const text of texts) {
      for (const extra of [{}, { services: ['api'] }, { levels: ['error' as const] }]) {
        const query: LogQuery = { text, ...extra }
        let cursor: string | undefined
        for (let page = 0; page < 3; page += 1) {
          const input = logSearchInput.parse({ query, limit: 40, ...(cursor ? { cursor } : {}) })
          const found = searchEntries(db, input)
          const ids = found.entries.map((entry) => entry.id)
          expect(ids, `${text} ${JSON.stringify(extra)} page ${page}`).toEqual(
            sortedMatches(db, query, 40, cursor),
          )
          checked += ids.length
          if (!found.nextCursor) break
          cursor = found.nextCursor
        }
      }
    }
    // Pages of common words, rare ones and the backlog's old rows were all compared.
    expect(checked).toBeGreaterThan(1_500)
  })

  it('reads a prefix query from the newest ids only when they decide the page', () => {
    const db = store.reader()
    const newest = (text: string, wanted: number) =>
      newestInRecentIds(db, buildFilter(db, { text }), text, wanted)
    // 'mi*' matches every 7th row: the newest 16,384 ids hold far more than a page of them.
    expect(newest('mi*', 41)).toEqual(sortedMatches(db, { text: 'mi*' }, 41))
    expect(newest('ever*', 101)).toEqual(sortedMatches(db, { text: 'ever*' }, 101))
    // Too few there, or older ones could still be newer: not decided, and the caller reads on.
    expect(newest('rar*', 60)).toBeNull()
  })

  it('keeps the newest time of every 1,024 ids, for rows written and rows a store had before', () => {
    const db = store.reader()
    const exact = 'SELECT id >> 10 AS block, max(ts) AS max_ts FROM entries GROUP BY 1 ORDER BY 1'
    const kept = 'SELECT block, max_ts FROM entry_blocks ORDER BY block'
    expect(db.prepare(kept).all()).toEqual(db.prepare(exact).all())

    // A file from the previous schema: its rows are filled in by the migration, step by step.
    const old = join(dir, 'old.db')
    const made = openLogDatabase(old)
    made.exec(`ATTACH '${join(dir, 'logs.db')}' AS src;
      INSERT INTO main.entries SELECT * FROM src.entries;
      DETACH src;`)
    backToSchema3(made)
    made.close()
    const steps: string[] = []
    const migrated = openLogDatabase(old, { onProgress: (message) => steps.push(message) })
    expect(migrated.prepare(kept).all()).toEqual(db.prepare(exact).all())
    // Then the next steps fill their own tables, as many steps again each (the last: one).
    expect(steps).toHaveLength(64)
    expect(steps.at(-1)).toMatch(/100%/)
    migrated.close()
  })
})
