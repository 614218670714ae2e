import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type Database from 'better-sqlite3'
import { resealBlockWords, sealWordBlocks, sealedToken } from './block-words'
import { SCHEMA_VERSION } from './schema'
import { LogStore } from './store'

let dir: string
let store: LogStore

/** The blocks that keep their counts of the word, in order. */
const wordBlocks = (db: Database.Database, word: string) =>
  db
    .prepare('SELECT block, total, warn, error FROM block_words WHERE word = ? ORDER BY block')
    .all(word) as Array<{ block: number; total: number; warn: number; error: number }>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-block-words-'))
  store = new LogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
  const lines = Array.from({ length: 2_500 }, (_, i) => ({
    stream: 'stdout' as const,
    time: new Date(Date.UTC(2025, 0, 1) + i * 1_000).toISOString(),
    // One row of the first block has a word this tokenizer is not sure of. Of any 1,024 rows in a
    // row, 4 hold "quad word" and 2 "pair".
    text:
      i === 50
        ? 'café every line'
        : `${i % 2 === 0 ? 'WARN' : 'ERROR'} every line ${i}${i % 256 === 0 ? ' quad word' : ''}${i % 512 === 0 ? ' pair' : ''}`,
  }))
  store.ingestLogLines('logger', lines)
  await store.flush()
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('block_words', () => {
  it('seals the blocks below the newest, with words of 4 rows or more, none where a row is unsure', () => {
    const db = store.reader()
    const first = (db.prepare('SELECT min(id) FROM entries').pluck().get() as number) >> 10
    while (sealWordBlocks(db)) {
      // A few blocks a step.
    }
    const sealed = db.prepare('SELECT block FROM block_words_sealed ORDER BY block').pluck().all()
    expect(sealed).toEqual([first, first + 1])
    // The first block holds the unsure row: no counts, so its matches are read from the index.
    const blocks = wordBlocks(db, 'every')
    expect(blocks.map((b) => b.block)).toEqual([first + 1])
    expect(blocks[0]).toMatchObject({ total: 1_024, warn: 512, error: 512 })
    expect(wordBlocks(db, 'warn')[0]).toMatchObject({ total: 512, warn: 512, error: 0 })
    // Words of at least 4 rows of a block are kept, pairs of at least 16; rarer ones are read
    // from the index.
    expect(wordBlocks(db, 'quad')).toMatchObject([{ block: first + 1, total: 4 }])
    expect(wordBlocks(db, 'pair')).toEqual([])
    expect(wordBlocks(db, 'quad_word')).toEqual([])
    // Adjacent pairs too, as entries_pairs cuts them: the words' order counts.
    expect(wordBlocks(db, 'every_line')).toMatchObject([{ block: first + 1, total: 1_024 }])
    expect(wordBlocks(db, 'error_every')[0]).toMatchObject({ total: 512, warn: 0, error: 512 })
    expect(wordBlocks(db, 'line_every')).toEqual([])
    expect(sealWordBlocks(db)).toBe(false)
  })

  it('seals again, with their word pairs, the blocks an older file sealed with words only', async () => {
    const old = store.reader()
    const first = (old.prepare('SELECT min(id) FROM entries').pluck().get() as number) >> 10
    // As MailDock left a file at the schema before: sealed, without pairs.
    old.exec(`DELETE FROM block_words WHERE word LIKE '%!_%' ESCAPE '!';
      PRAGMA user_version = ${SCHEMA_VERSION - 1}`)
    expect(wordBlocks(old, 'every_line')).toEqual([])
    await store.close()

    store = new LogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
    const db = store.reader()
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION)
    while (sealWordBlocks(db)) {
      // A few blocks a step.
    }
    expect(db.prepare('SELECT block FROM block_words_sealed ORDER BY block').pluck().all()).toEqual(
      [first, first + 1],
    )
    expect(wordBlocks(db, 'quad')).toMatchObject([{ block: first + 1, total: 4 }])
    expect(wordBlocks(db, 'every_line')).toMatchObject([{ block: first + 1, total: 1_024 }])
  })

  it('seals again the blocks sealed with words of 32 rows or more, and only those (schema 9)', () => {
    const db = store.reader()
    const first = (db.prepare('SELECT min(id) FROM entries').pluck().get() as number) >> 10
    const sealed = () => db.prepare('SELECT block FROM block_words_sealed').pluck().all()
    expect(sealed()).toEqual([first, first + 1])
    // The block with "quad" (4 rows) keeps its seal; the one sealed with no words (its unsure
    // row) is counted again.
    resealBlockWords(db)
    expect(sealed()).toEqual([first + 1])
    expect(wordBlocks(db, 'quad')).toMatchObject([{ block: first + 1, total: 4 }])
    db.exec(`DELETE FROM block_words WHERE total < 32`)
    resealBlockWords(db)
    expect(sealed()).toEqual([])
  })

  it('knows a search of one word or a two-word phrase as FTS5 folds it, and nothing else', () => {
    expect(sealedToken('delivered')).toBe('delivered')
    expect(sealedToken('"Relay3"')).toBe('relay3')
    expect(sealedToken('"Delivered message"')).toBe('delivered_message')
    expect(sealedToken('"email-1"')).toBe('email_1')
    for (const fts of [
      'deliv*',
      '"delivered message"*',
      '"delivered message now"',
      'delivered message',
      'a OR b',
      '"café au"',
      'café',
    ]) {
      expect(sealedToken(fts), fts).toBeNull()
    }
  })
})
