import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logSearchInput } from '../../../shared/contract'
import { buildFilter } from './filters'
import { newestPhraseMatches } from './fts-phrase'
import { searchEntries } from './queries'
import { applyRetention } from './retention'
import { LogStore } from './store'
import { pairsText, phraseWords, wordsOf } from './word-pairs'

/** SQLite's own words for each text, as the store's FTS5 tokenizer cuts and folds them. */
function sqliteWords(texts: readonly string[]): string[][] {
  const db = new Database(':memory:')
  db.exec(`CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2');
    CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance');`)
  const insert = db.prepare('INSERT INTO t(rowid, text) VALUES (?, ?)')
  db.transaction(() => texts.forEach((text, i) => insert.run(i + 1, text)))()
  const words: string[][] = texts.map(() => [])
  for (const row of db.prepare('SELECT term, doc FROM v ORDER BY doc, offset').iterate()) {
    const { term, doc } = row as { term: string; doc: number }
    words[doc - 1]!.push(term)
  }
  db.close()
  return words
}

describe('word pairs', () => {
  it('cuts words as FTS5 does, for every character it claims to know', () => {
    const texts: string[] = []
    for (let code = 0; code < 0x3040; code += 1) {
      const text = `Ab${String.fromCharCode(code)}cD 9`
      if (wordsOf(text) !== null) texts.push(text)
    }
    // ASCII and the Latin-1, general punctuation, symbol and CJK punctuation separators.
    expect(texts.length).toBeGreaterThan(1_000)
    expect(texts.map(wordsOf)).toEqual(sqliteWords(texts))
    expect(wordsOf('café au lait')).toBeNull()
    expect(wordsOf('done 🎉')).toBeNull()
  })

  it('cuts realistic lines as FTS5 does', () => {
    const lines = [
      'email.request email-3 · Invoice topicw12x number 3 · to user3@example.com · Hello, this is message 3.',
      'INFO delivered message id=msg-12 to bob@example.com in 12 ms via relay5',
      '2025-01-01T00:00:00.000Z [WARN] queue_depth=17 (retrying…) — “quoted” ‘words’ «here» ¿qué? ¡no!',
      '  leading and trailing   ',
      '',
    ]
    const sure = lines.filter((line) => wordsOf(line) !== null)
    expect(sure.length).toBe(4)
    expect(sure.map(wordsOf)).toEqual(sqliteWords(sure))
    expect(pairsText('To Bob@x.io')).toBe('to_bob bob_x x_io')
  })

  it('takes only a single plain phrase of two or more words', () => {
    expect(phraseWords('"Relay3, delivered"')).toEqual(['relay3', 'delivered'])
    expect(phraseWords('"a b c"')).toEqual(['a', 'b', 'c'])
    for (const fts of ['"one"', '"a b"*', '^"a b"', '"a b" c', 'a b', '"café crème"']) {
      expect(phraseWords(fts), fts).toBeNull()
    }
  })
})

const START = Date.UTC(2025, 0, 1)
const LINES = 6_000
let dir: string
let store: LogStore

/** Mostly in time order, a few from the future; phrases of 2 and 3 words, some never adjacent. */
const textOf = (i: number): string =>
  [
    `INFO delivered message ${i} via relay${i % 7}`,
    i % 5 === 0 ? ' then relay3 delivered' : '',
    i % 11 === 0 ? ' · message via relay4 again' : '',
    i % 1_500 === 7 ? ' déjà relay2 delivered' : '',
  ].join('')

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-pairs-'))
  store = new LogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
  const time = (i: number): number =>
    i % 997 === 0 && i > 3_000 ? START + 1e9 + i : START + i * 1_000
  for (let i = 0; i < LINES; i += 500) {
    const batch = Array.from({ length: 500 }, (_, j) => ({
      stream: 'stdout' as const,
      time: new Date(time(i + j)).toISOString(),
      text: textOf(i + j),
    }))
    store.ingestLogLines(i % 1_000 === 0 ? 'api' : 'emailer', batch)
    if (i === 2_000) {
      const late = batch.map((line, j) => ({
        ...line,
        time: new Date(START - 1e8 + j).toISOString(),
      }))
      store.ingestLogLines('backlog', late)
    }
  }
  await store.flush()
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** The same page from the plain FTS5 query: every match sorted by time. */
function plainPage(db: Database.Database, text: string, limit: number): number[] {
  const fts = buildFilter(db, { text }).fts
  return db
    .prepare(
      `SELECT id FROM entries WHERE id IN (SELECT rowid FROM entries_fts WHERE entries_fts MATCH ?)
       ORDER BY ts DESC, id DESC LIMIT ?`,
    )
    .pluck()
    .all(fts, limit) as number[]
}

function comparePhrases(db: Database.Database): number {
  let compared = 0
  const phrases = [
    '"relay3 delivered"',
    '"relay9 delivered"',
    '"via relay4 again"',
    '"relay2 delivered"',
  ]
  for (const text of [...phrases, '"message via relay4"', '"delivered message"', '"relay4 via"']) {
    for (const limit of [1, 100, 1_000]) {
      const found = searchEntries(db, logSearchInput.parse({ query: { text }, limit }))
      const exact = plainPage(db, text, limit)
      expect(
        found.entries.map((entry) => entry.id),
        `${text}, ${limit}`,
      ).toEqual(exact)
      compared += exact.length
    }
  }
  return compared
}

describe('phrase search by word pairs', () => {
  it('finds the rows the plain FTS5 query finds, newest first, also after deletes', async () => {
    const db = store.reader()
    expect(comparePhrases(db)).toBeGreaterThan(1_000)
    const unsure = db.prepare(`SELECT count(*) FROM entries_pairs WHERE entries_pairs MATCH '"_"'`)
    expect(unsure.pluck().get()).toBeGreaterThan(0)
    // Answered by the pair index (null would mean the plain FTS5 path took over).
    const filter = buildFilter(db, { text: '"relay3 delivered"' })
    expect(newestPhraseMatches(db, filter, filter.fts!, 100)).toHaveLength(100)

    // Everything older than the 3,000th line goes: the backlog and the first half.
    const now = START + 3_000_000
    await applyRetention(() => store.reader(), { maxAgeDays: 0, maxSizeMb: null }, { now })
    const left = db.prepare('SELECT count(*) FROM entries').pluck().get() as number
    expect(left).toBeLessThan(LINES)
    expect(comparePhrases(db)).toBeGreaterThan(0)
  })

  it('finds rows written outside the writer, whose pairs are not indexed yet', () => {
    const db = store.reader()
    const pending = db.prepare('SELECT count(*) FROM entries_pairs_pending').pluck()
    // The writer indexes its rows' pairs in the transaction that writes them.
    expect(pending.get()).toBe(0)
    const insert = db.prepare(`INSERT INTO entries (ts, source, service, level, text, dedup)
      VALUES (?, 'container', 'other', 'info', ?, ?)`)
    for (let i = 0; i < 20; i += 1) {
      insert.run(START + 1e10 + i, `relay9 delivered and via relay4 again ${i}`, 1e12 + i)
    }
    expect(pending.get()).toBe(20)
    expect(comparePhrases(db)).toBeGreaterThan(1_000)
    const filter = buildFilter(db, { text: '"relay9 delivered"' })
    expect(newestPhraseMatches(db, filter, filter.fts!, 100)).toHaveLength(20)
  })
})
