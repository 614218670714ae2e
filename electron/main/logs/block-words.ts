import type Database from 'better-sqlite3'
import { BLOCK_IDS, type Progress } from './blocks'
import { countLevel } from './levels'
import { statement } from './statements'
import { wordsOf } from './word-pairs'

/*
 * `block_words`: for each sealed block of 1,024 ids, every word at least MIN_ROWS of its rows hold,
 * with how many do and how many of those are warn and error/fatal rows. A full-text histogram of
 * one such word adds a block that lies in one bar from here instead of walking the word's matches
 * (a word in 3 of 4 rows has 3.75M of them at 5M rows). Blocks are sealed once the store is quiet,
 * beside the index merge, and only below the newest block, which the writer is still filling. A
 * row deleted from a sealed block (retention) or added to one unseals it until the next quiet
 * time. A block with a row whose words `wordsOf` is not sure of is sealed with no words.
 */

/**
 * Fewer rows of a block than this hold the word: its matches there are read from the index. At
 * 5M rows, 4 rather than 32 keeps 918k words of blocks rather than 176k (27 MB rather than 6 MB,
 * sealed in 24 s rather than 17 s), and a word in 1 row of 40 or 130 (warn, error) has its bars
 * in 20-33 ms rather than 63-123 ms (p50).
 */
const MIN_ROWS = 4
const BLOCKS_PER_STEP = 2

const UNSEAL = `
  DELETE FROM block_words_sealed WHERE block = {id} >> 10;
  DELETE FROM block_words WHERE block = {id} >> 10;`

/** Schema step: the tables and the triggers that unseal a block whose rows change. */
export function createBlockWords(db: Database.Database, progress?: Progress): void {
  db.exec(`
    CREATE TABLE block_words (
      word TEXT NOT NULL,
      block INTEGER NOT NULL,
      total INTEGER NOT NULL,
      warn INTEGER NOT NULL,
      error INTEGER NOT NULL,
      PRIMARY KEY (word, block)
    ) WITHOUT ROWID;
    CREATE INDEX block_words_block ON block_words(block);
    CREATE TABLE block_words_sealed (block INTEGER PRIMARY KEY);
    CREATE TRIGGER block_words_insert AFTER INSERT ON entries
      WHEN EXISTS (SELECT 1 FROM block_words_sealed WHERE block = new.id >> 10)
      BEGIN ${UNSEAL.replaceAll('{id}', 'new.id')} END;
    CREATE TRIGGER block_words_delete AFTER DELETE ON entries
      WHEN EXISTS (SELECT 1 FROM block_words_sealed WHERE block = old.id >> 10)
      BEGIN ${UNSEAL.replaceAll('{id}', 'old.id')} END;
  `)
  // The blocks are sealed later, once the store is quiet: nothing to wait for here.
  progress?.('log store: indexing frequent words per block (counted once quiet), 100%', 1)
}

/** What MIN_ROWS was before schema step 9. */
const OLD_MIN_ROWS = 32

/**
 * Schema step: blocks sealed while MIN_ROWS was 32 kept only their most frequent words, so a word
 * in 1 row of 40 read the index in each of them. Unsealed, they are sealed again once quiet. A
 * block that has a word of fewer rows was sealed since, and stays as it is.
 */
export function resealBlockWords(db: Database.Database, progress?: Progress): void {
  db.exec(`
    DELETE FROM block_words_sealed WHERE block NOT IN
      (SELECT block FROM block_words WHERE total < ${OLD_MIN_ROWS});
    DELETE FROM block_words WHERE block NOT IN (SELECT block FROM block_words_sealed);`)
  progress?.('log store: indexing frequent words per block again (counted once quiet), 100%', 1)
}

function sealBlock(db: Database.Database, block: number): void {
  const rows = statement(db, 'SELECT text, level FROM entries WHERE id BETWEEN ? AND ?')
    .raw()
    .all(block * BLOCK_IDS, (block + 1) * BLOCK_IDS - 1) as Array<[string, string]>
  const counts = new Map<string, { total: number; warn: number; error: number }>()
  for (const [text, level] of rows) {
    const words = wordsOf(text)
    if (words === null) {
      counts.clear()
      break
    }
    for (const word of new Set(words)) {
      let count = counts.get(word)
      if (count === undefined) counts.set(word, (count = { total: 0, warn: 0, error: 0 }))
      count.total += 1
      countLevel(count, level)
    }
  }
  statement(db, 'DELETE FROM block_words WHERE block = ?').run(block)
  const insert = statement(db, 'INSERT INTO block_words VALUES (?, ?, ?, ?, ?)')
  for (const [word, { total, warn, error }] of counts) {
    if (total >= MIN_ROWS) insert.run(word, block, total, warn, error)
  }
  statement(db, 'INSERT OR IGNORE INTO block_words_sealed (block) VALUES (?)').run(block)
}

/** Seals a few blocks not sealed yet, in one transaction: true when there were any. */
export function sealWordBlocks(db: Database.Database, blocks = BLOCKS_PER_STEP): boolean {
  const newest = statement(db, 'SELECT max(id) >> 10 FROM entries').pluck().get() as number | null
  if (newest === null) return false
  const sql = `SELECT b.block FROM entry_blocks b WHERE b.block < ?
    AND NOT EXISTS (SELECT 1 FROM block_words_sealed s WHERE s.block = b.block)
    ORDER BY b.block LIMIT ?`
  const todo = statement(db, sql).pluck().all(newest, blocks) as number[]
  if (todo.length === 0) return false
  db.transaction(() => {
    for (const block of todo) sealBlock(db, block)
  })()
  return true
}

/** The one word `fts` asks for (`delivered`, `"Relay3"`), folded as FTS5 folds it; else null. */
export function singleWord(fts: string): string | null {
  const match = /^"?([A-Za-z0-9]{1,256})"?$/.exec(fts)
  return match ? (match[1] as string).toLowerCase() : null
}
