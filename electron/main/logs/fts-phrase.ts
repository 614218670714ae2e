import type Database from 'better-sqlite3'
import type { Filter } from './filters'
import { newestOfIds } from './fts-newest'
import { statement } from './statements'
import { holdsPhrase, pairsQuery, phraseWords, UNSURE } from './word-pairs'

/*
 * A phrase of 2+ words, found from `entries_pairs` (word-pairs.ts): the rows holding each pair of
 * its adjacent words. For a 2-word phrase those are its matches; a longer one is checked on each
 * row's text, newest first, only until the page is decided. Rows the pair index is not sure of,
 * or has not indexed yet (written outside the writer), are asked of FTS5 one by one, so with more
 * of them than MAX_UNSURE this path is not taken.
 */

const MAX_UNSURE = 64
/**
 * With this many rows holding the pairs or more, the phrase is common: the plain path finds its
 * newest page about as fast, and reading more rowids here (0.15 us each) would only add to it.
 */
const MAX_PAIRED = 2_000

function* mergeDescending(a: readonly number[], b: readonly number[]): Generator<number> {
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) {
    if (j >= b.length || (i < a.length && (a[i] as number) > (b[j] as number)))
      yield a[i++] as number
    else yield b[j++] as number
  }
}

function* phraseMatches(
  db: Database.Database,
  fts: string,
  words: readonly string[],
  paired: readonly number[],
  unsure: readonly number[],
): Generator<number> {
  const textOf = statement(db, 'SELECT text FROM entries WHERE id = ?').pluck()
  // As a BigInt: better-sqlite3 binds a number as a REAL, and FTS5 then ignores `rowid =`.
  const probe = statement(
    db,
    'SELECT rowid FROM entries_fts WHERE entries_fts MATCH ? AND rowid = ?',
  ).pluck()
  const unsureIds = new Set(unsure)
  for (const id of mergeDescending(paired, unsure)) {
    if (unsureIds.has(id)) {
      if (probe.get(fts, BigInt(id)) !== undefined) yield id
    } else if (words.length === 2) {
      yield id
    } else {
      const text = textOf.get(id) as string | undefined
      if (text !== undefined && holdsPhrase(text, words)) yield id
    }
  }
}

/** The rows that may hold the phrase, newest first, or null when the pair index cannot tell. */
function candidates(
  db: Database.Database,
  fts: string,
): { words: string[]; paired: number[]; unsure: number[] } | null {
  const words = phraseWords(fts)
  if (words === null) return null
  // In index order, reversed here: FTS5 reads a word's whole doclist to walk it newest first.
  const sql = 'SELECT rowid FROM entries_pairs WHERE entries_pairs MATCH ? LIMIT ?'
  const pairs = statement(db, sql).pluck()
  const pending = statement(db, 'SELECT id FROM entries_pairs_pending LIMIT ?').pluck()
  const unsure = [
    ...(pairs.all(`"${UNSURE}"`, MAX_UNSURE + 1) as number[]),
    ...(pending.all(MAX_UNSURE + 1) as number[]),
  ].sort((a, b) => a - b)
  if (unsure.length > MAX_UNSURE) return null
  const paired = pairs.all(pairsQuery(words), MAX_PAIRED) as number[]
  if (paired.length >= MAX_PAIRED) return null
  return { words, paired: paired.reverse(), unsure: unsure.reverse() }
}

/**
 * Ids of the newest `wanted` rows matching `fts` and the filter when `fts` is one phrase that the
 * pair index answers with few candidate rows; null when it cannot tell.
 */
export function newestPhraseMatches(
  db: Database.Database,
  filter: Filter,
  fts: string,
  wanted: number,
): number[] | null {
  const found = candidates(db, fts)
  if (found === null) return null
  const ids = phraseMatches(db, fts, found.words, found.paired, found.unsure)
  return newestOfIds(db, filter, ids, wanted) ?? []
}

/** Every row matching `fts` when it is one phrase the pair index answers; null otherwise. */
export function phraseMatchIds(db: Database.Database, fts: string): number[] | null {
  const found = candidates(db, fts)
  if (found === null) return null
  return [...phraseMatches(db, fts, found.words, found.paired, found.unsure)]
}
