import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { IdleIndexMerge, indexSegments, mergeIndexStep } from './index-merge'
import { LogStore } from './store'

const START = Date.UTC(2025, 0, 1)
const BATCHES = 24
const WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo']
let dir: string
let store: LogStore
let db: Database.Database

const textOf = (i: number): string =>
  `line ${i} ${WORDS[i % 5]} ${i % 3 === 0 ? 'relay accepted' : 'queued'} ${i % 250 === 0 ? 'rare' : ''}`

/** Each flush is one transaction, so one new segment: FTS5's own merging is off to keep them. */
async function fillInBatches(): Promise<void> {
  db.prepare("INSERT INTO entries_fts(entries_fts, rank) VALUES ('automerge', 0)").run()
  for (let batch = 0; batch < BATCHES; batch++) {
    const lines = Array.from({ length: 200 }, (_, k) => {
      const i = batch * 200 + k
      return {
        stream: 'stdout' as const,
        time: new Date(START + i * 1000).toISOString(),
        text: textOf(i),
      }
    })
    store.ingestLogLines('api', lines)
    await store.flush()
  }
}

/** What the Logs panel would list for each query: ids in order. */
function answers(): number[][] {
  const match = db.prepare(
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? ORDER BY rowid DESC LIMIT 500',
  )
  return ['alpha', 'rare', '"relay accepted"', 'char*', 'echo queued'].map((q) =>
    (match.all(q) as { rowid: number }[]).map((r) => r.rowid),
  )
}

const until = async (check: () => boolean, what: string, ms = 20_000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** What an idle merge of `database` logs at its first failure. */
async function firstFailure(database: Database.Database): Promise<string[]> {
  const errors: string[] = []
  const merge = new IdleIndexMerge({
    database: () => database,
    busy: () => false,
    idleMs: 10,
    log: (message) => errors.push(message),
  })
  merge.noteActivity()
  await until(() => errors.length > 0, 'the failure is reported')
  merge.close()
  return errors
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-index-merge-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  db = store.reader()
  await fillInBatches()
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('merging the full-text index', () => {
  it('leaves a few segments of the many, and every search answers as before', () => {
    const before = answers()
    expect(indexSegments(db)).toBeGreaterThan(8)
    let steps = 0
    while (mergeIndexStep(db, 8)) steps++
    expect(steps).toBeGreaterThan(1)
    // usermerge 2: at most one segment per level is left.
    expect(indexSegments(db)).toBeLessThanOrEqual(3)
    expect(answers()).toEqual(before)
    expect(
      db.prepare("INSERT INTO entries_fts(entries_fts) VALUES ('integrity-check')").run(),
    ).toBeDefined()
    expect(mergeIndexStep(db)).toBe(false)
  })

  it('starts once the store is quiet, and waits again at each write or search', async () => {
    const merge = new IdleIndexMerge({ database: () => db, busy: () => false, idleMs: 150 })
    const segments = indexSegments(db)
    const busyUntil = Date.now() + 600
    while (Date.now() < busyUntil) {
      merge.noteActivity()
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    expect(indexSegments(db)).toBe(segments)
    await until(() => indexSegments(db) <= 3, 'the index is merged')
    merge.close()
  })

  it('does not merge while rows wait to be written, nor after it is closed', async () => {
    let queued = true
    const merge = new IdleIndexMerge({ database: () => db, busy: () => queued, idleMs: 20 })
    const segments = indexSegments(db)
    merge.noteActivity()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(indexSegments(db)).toBe(segments)
    merge.close()
    queued = false
    merge.noteActivity()
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(indexSegments(db)).toBe(segments)
  })

  it('reports a failed step and goes on answering', async () => {
    const broken = {
      readonly: false,
      prepare: () => {
        throw new Error('disk I/O error')
      },
    }
    expect(await firstFailure(broken as unknown as Database.Database)).toEqual([
      'log store: merging the full-text index failed',
    ])
  })

  it('names the sealing of blocks when that step fails, once merging is done', async () => {
    while (mergeIndexStep(db)) {
      // merged to the end first
    }
    db.exec('DROP TRIGGER block_words_insert; DROP TRIGGER block_words_delete')
    db.exec('DROP TABLE block_words_sealed')
    expect(await firstFailure(db)).toEqual([
      "log store: counting the blocks' frequent words failed",
    ])
  })
})
