import type Database from 'better-sqlite3'
import type { Progress } from './blocks'
import { statement } from './statements'

/*
 * `entries_pairs`: each row's adjacent word pairs (`relay3_delivered`), a contentless FTS5 index
 * without positions, so that a phrase of common words that never stand side by side is answered
 * from one short doclist instead of walking both words' position lists (43 ms at 5M rows).
 * The words are cut here as `unicode61 remove_diacritics 2` cuts them, which is certain only for
 * ASCII letters and digits and for the separators of SEPARATOR_TEST (checked against SQLite code
 * point by code point in word-pairs.test.ts). A row with any other character (a letter with a
 * diacritic, an emoji) gets the one token UNSURE instead of its pairs: a search reads it whole.
 */

/** What a row whose words this tokenizer cannot be sure of is indexed as. */
export const UNSURE = '_'
/** The SQL function that cuts a row's text into pairs, as `entries_pairs` indexes them. */
const PAIRS_FUNCTION = 'maildock_word_pairs'
/** A longer word makes its row UNSURE (FTS5 cuts words at 32 KB; nothing here gets near). */
const MAX_WORD = 256

const SEPARATOR_TEST = /^[\p{P}\p{S}\p{Z}\p{Cc}]$/u
/**
 * Where SEPARATOR_TEST is trusted: Latin-1, general punctuation, arrows, box drawing and shapes,
 * dingbats, CJK punctuation. Elsewhere SQLite's older Unicode tables tell symbols added since
 * (U+2B4D and on, new currency signs) apart from what JavaScript's do.
 */
const SEPARATOR_BLOCKS: ReadonlyArray<readonly [number, number]> = [
  [0x80, 0xff],
  [0x2000, 0x206f],
  [0x2190, 0x21ff],
  [0x2500, 0x26ff],
  [0x2701, 0x27bf],
  [0x3000, 0x303f],
]
/** Code points this tokenizer knows: below it, class 0 is unsure, 1 a separator, 2 a word. */
const KNOWN = 0x3040
const classes = new Uint8Array(KNOWN)
for (let code = 0; code < KNOWN; code += 1) {
  const char = String.fromCharCode(code)
  if (/[A-Za-z0-9]/.test(char)) classes[code] = 2
  else if (code < 0x80) classes[code] = 1
  else if (
    SEPARATOR_BLOCKS.some(([lo, hi]) => code >= lo && code <= hi) &&
    SEPARATOR_TEST.test(char)
  )
    classes[code] = 1
}

/** The words of `text` as FTS5 cuts and folds them, or null when not sure of them. */
export function wordsOf(text: string): string[] | null {
  const words: string[] = []
  let start = -1
  for (let i = 0; i <= text.length; i += 1) {
    const code = i < text.length ? text.charCodeAt(i) : 0x20
    const kind = code < KNOWN ? classes[code] : 0
    if (kind === 0) return null
    if (kind === 2) {
      if (start < 0) start = i
    } else if (start >= 0) {
      if (i - start > MAX_WORD) return null
      words.push(text.slice(start, i).toLowerCase())
      start = -1
    }
  }
  return words
}

/** Two adjacent words as one token (`relay3_delivered`), as `entries_pairs` has them. */
export const pairToken = (first: string, second: string): string => `${first}_${second}`

/** Words are letters and digits: only a pair token holds its `_`. */
export const isPairToken = (token: string): boolean => token.includes('_')

/** Each adjacent pair of `words` as one token. */
export function pairTokens(words: readonly string[]): string[] {
  const pairs: string[] = []
  for (let i = 1; i < words.length; i += 1)
    pairs.push(pairToken(words[i - 1] as string, words[i] as string))
  return pairs
}

/** The text `entries_pairs` indexes for a row: its word pairs, or UNSURE. */
export function pairsText(text: string): string {
  const words = wordsOf(text)
  return words === null ? UNSURE : pairTokens(words).join(' ')
}

/** Makes the function the insert trigger calls known to this connection. */
export function registerWordPairs(db: Database.Database): void {
  db.function(PAIRS_FUNCTION, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? pairsText(text) : '',
  )
}

/** The words of a full-text query that is one plain phrase of 2+ words, else null. */
export function phraseWords(fts: string): string[] | null {
  const match = /^"([^"]*)"$/.exec(fts)
  if (!match) return null
  const words = wordsOf(match[1] ?? '')
  return words !== null && words.length >= 2 ? words : null
}

/** The `entries_pairs` query for rows holding every adjacent pair of `words`. */
export function pairsQuery(words: readonly string[]): string {
  return pairTokens(words)
    .map((pair) => `"${pair}"`)
    .join(' AND ')
}

/** Whether `words` stand side by side, in order, in `text` (sure of its words). */
export function holdsPhrase(text: string, words: readonly string[]): boolean | null {
  const have = wordsOf(text)
  if (have === null) return null
  for (let i = 0; i + words.length <= have.length; i += 1) {
    if (words.every((word, j) => have[i + j] === word)) return true
  }
  return false
}

const FILL_STEPS = 20

/**
 * Schema step: `entries_pairs`, kept by triggers, filled here for the rows a store has in 20 id
 * spans, each reported (in id order: FTS5 writes a segment each time ids go back).
 */
export function createWordPairs(db: Database.Database, progress?: Progress): void {
  registerWordPairs(db)
  db.exec(`
    CREATE VIRTUAL TABLE entries_pairs USING fts5(
      pairs, content='', contentless_delete=1, detail=none, tokenize="ascii tokenchars '_'"
    );
    INSERT INTO entries_pairs(entries_pairs, rank) VALUES ('automerge', 8);
    CREATE TRIGGER entries_pairs_insert AFTER INSERT ON entries BEGIN
      INSERT INTO entries_pairs(rowid, pairs) VALUES (new.id, ${PAIRS_FUNCTION}(new.text));
    END;
    CREATE TRIGGER entries_pairs_delete AFTER DELETE ON entries BEGIN
      DELETE FROM entries_pairs WHERE rowid = old.id;
    END;
  `)
  const { lo, hi } = db.prepare('SELECT min(id) AS lo, max(id) AS hi FROM entries').get() as {
    lo: number | null
    hi: number | null
  }
  if (lo === null || hi === null) return
  const fill = db.prepare(`INSERT INTO entries_pairs(rowid, pairs)
    SELECT id, ${PAIRS_FUNCTION}(text) FROM entries WHERE id >= @from AND id < @to ORDER BY id`)
  const span = Math.ceil((hi + 1 - lo) / FILL_STEPS)
  for (let step = 0; step < FILL_STEPS; step += 1) {
    fill.run({ from: lo + step * span, to: lo + (step + 1) * span })
    const done = (step + 1) / FILL_STEPS
    progress?.(
      `log store: indexing word pairs for faster phrases, ${Math.round(done * 100)}%`,
      done,
    )
  }
}

/**
 * Schema step: a row's pairs are indexed by `flushWordPairs` at the end of the transaction that
 * wrote it, in one FTS5 statement, instead of by an FTS5 insert per row (15-20 us a row, most of
 * the cost of the index); the insert trigger only notes its id in `entries_pairs_pending`. A
 * search asks FTS5 about the rows still noted, as it does about the rows the pairs are unsure of.
 */
export function deferWordPairs(db: Database.Database, progress?: Progress): void {
  db.exec(`
    DROP TRIGGER entries_pairs_insert;
    DROP TRIGGER entries_pairs_delete;
    CREATE TABLE entries_pairs_pending (id INTEGER PRIMARY KEY);
    CREATE TRIGGER entries_pairs_insert AFTER INSERT ON entries BEGIN
      INSERT INTO entries_pairs_pending VALUES (new.id);
    END;
    CREATE TRIGGER entries_pairs_delete AFTER DELETE ON entries BEGIN
      DELETE FROM entries_pairs WHERE rowid = old.id;
      DELETE FROM entries_pairs_pending WHERE id = old.id;
    END;
  `)
  progress?.('log store: indexing word pairs at each commit, 100%', 1)
}

/** Indexes the pairs of the rows written since the last call (ends each writer transaction). */
export function flushWordPairs(db: Database.Database): void {
  statement(
    db,
    `INSERT INTO entries_pairs(rowid, pairs)
      SELECT e.id, ${PAIRS_FUNCTION}(e.text) FROM entries_pairs_pending p JOIN entries e USING (id)
      ORDER BY p.id`,
  ).run()
  statement(db, 'DELETE FROM entries_pairs_pending').run()
}
