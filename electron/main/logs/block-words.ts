import type Database from 'better-sqlite3'
import { BLOCK_IDS, type Progress } from './blocks'
import { countLevel } from './levels'
import { statement } from './statements'
import { isPairToken, pairToken, phraseWords, wordsOf } from './word-pairs'

/*
 * `block_words`: for each sealed block of 1,024 ids, every word at least MIN_ROWS of its rows hold
 * and every adjacent word pair (as `entries_pairs` writes it) at least MIN_PAIR_ROWS do, with how
 * many do and how many of those are warn and error/fatal rows. A full-text histogram of one word or
 * a two-word phrase adds a block that lies in one bar from here instead of walking its matches (a
 * word in 3 of 4 rows has 3.75M of them at 5M rows; a phrase's take both words' positions). Blocks
 * are sealed once the store is quiet, beside the index merge, and only below the newest block,
 * which the writer is still filling. A row deleted from a sealed block (retention) or added to one
 * unseals it until the next quiet time. A block with a row whose words `wordsOf` is not sure of is
 * sealed with no words.
 */

/**
 * Fewer rows of a block than this hold the word: its matches there are read from the index. At
 * 5M rows, 4 rather than 32 keeps 918k words of blocks rather than 176k (27 MB rather than 6 MB,
 * sealed in 24 s rather than 17 s), and a word in 1 row of 40 or 130 (warn, error) has its bars
 * in 20-33 ms rather than 63-123 ms (p50).
 */
const MIN_ROWS = 4
/**
 * The same for a word pair (a two-word phrase). At 5M rows, 16 rather than 4 keeps 434k pairs of
 * blocks rather than 1.66M: every block sealed in 69-70 s, against 44-48 s with words only (the
 * same run) and 120 s with pairs of 4 rows. A phrase in 1 row of 128 (`"connection refused"`) then
 * has its bars in 71 ms rather than 9 ms; one in 1 row of 40 in 12 ms (165 ms walking its matches).
 */
const MIN_PAIR_ROWS = 16
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

/**
 * Schema step: blocks sealed with their words only are sealed again, with their word pairs too,
 * once quiet (about a minute at 5M rows); until then their matches are read from the index.
 */
export function resealBlockPairs(db: Database.Database, progress?: Progress): void {
  db.exec('DELETE FROM block_words_sealed; DELETE FROM block_words;')
  progress?.('log store: indexing frequent word pairs per block (counted once quiet), 100%', 1)
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

interface Count {
  total: number
  warn: number
  error: number
  /** The last row that counted it: a row counts a word or pair once. */
  row: number
}

function countOnce(counts: Map<string, Count>, token: string, row: number, level: string): void {
  let count = counts.get(token)
  if (count === undefined) counts.set(token, (count = { total: 0, warn: 0, error: 0, row: -1 }))
  if (count.row === row) return
  count.row = row
  count.total += 1
  countLevel(count, level)
}

function sealBlock(db: Database.Database, block: number): void {
  const rows = statement(db, 'SELECT text, level FROM entries WHERE id BETWEEN ? AND ?')
    .raw()
    .all(block * BLOCK_IDS, (block + 1) * BLOCK_IDS - 1) as Array<[string, string]>
  const counts = new Map<string, Count>()
  for (const [row, [text, level]] of rows.entries()) {
    const words = wordsOf(text)
    if (words === null) {
      counts.clear()
      break
    }
    for (const [i, word] of words.entries()) {
      countOnce(counts, word, row, level)
      if (i > 0) countOnce(counts, pairToken(words[i - 1] as string, word), row, level)
    }
  }
  statement(db, 'DELETE FROM block_words WHERE block = ?').run(block)
  const insert = statement(db, 'INSERT INTO block_words VALUES (?, ?, ?, ?, ?)')
  for (const [word, { total, warn, error }] of counts) {
    if (total >= (isPairToken(word) ? MIN_PAIR_ROWS : MIN_ROWS)) {
      insert.run(word, block, total, warn, error)
    }
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

/**
 * What `block_words` counts a search as, folded as FTS5 folds it: its one word (`delivered`,
 * `"Relay3"`), or the pair of a two-word phrase (`"delivered message"`: `delivered_message`), which
 * a row holds exactly when it holds the phrase; else null (a longer phrase's pairs may stand apart).
 */
export function sealedToken(fts: string): string | null {
  const match = /^"?([A-Za-z0-9]{1,256})"?$/.exec(fts)
  if (match) return (match[1] as string).toLowerCase()
  const words = phraseWords(fts)
  return words?.length === 2 ? pairToken(words[0] as string, words[1] as string) : null
}
