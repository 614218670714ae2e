// The searches and histograms the Logs panel and `maildock logs` offer, as bench/logs-store.ts
// times them on its store (the fixture's terms: words, recipients, services).
import type Database from 'better-sqlite3'
import { logHistogramInput, logSearchInput, type LogQuery } from '../shared/contract'
import { getEntries, histogram, searchEntries } from '../electron/main/logs/queries'
import { fixtureRecipient, fixtureWord, type FixtureShape } from '../test/support/log-fixtures'

/** What the store was filled from: its first time, its services and its fixture's shape. */
export interface Fixture {
  start: number
  services: string[]
  shape: FixtureShape
}

export interface Workload {
  name: string
  run: (db: Database.Database, i: number) => number
}

/** The cursor to page `pages` + 1 of all rows, 100 a page (found once, outside the timing). */
function deepCursor(db: Database.Database, pages: number): string | undefined {
  let cursor: string | undefined
  for (let page = 0; page < pages; page += 1) {
    const result = searchEntries(
      db,
      logSearchInput.parse({ limit: 100, ...(cursor ? { cursor } : {}) }),
    )
    cursor = result.nextCursor ?? undefined
  }
  return cursor
}

/** The Logs panel's bars beside a search (the same store and terms). */
function histogramWorkloads(size: number, fixture: Fixture): Workload[] {
  const end = fixture.start + size * 20
  const DAY = 86_400_000
  const bars = (db: Database.Database, query: LogQuery): number =>
    histogram(db, logHistogramInput.parse({ query })).buckets.length
  return [
    {
      name: 'histogram, 60 buckets, last day',
      run: (db) => bars(db, { from: end - DAY, to: end }),
    },
    {
      name: 'histogram, 60 buckets, full text',
      run: (db, i) => bars(db, { text: fixtureWord(i, fixture.shape) }),
    },
    {
      name: 'histogram, 60 buckets, full text, phrase that never occurs',
      run: (db, i) => bars(db, { text: `"relay${i % 7} delivered"` }),
    },
    {
      name: 'histogram, 60 buckets, full text, common word (~75%)',
      run: (db) => bars(db, { text: 'delivered' }),
    },
    {
      name: 'histogram, 60 buckets, full text, phrase (common)',
      run: (db) => bars(db, { text: '"delivered message"' }),
    },
    {
      name: 'histogram, 60 buckets, full text, a word in 1 row of 40 (warn)',
      run: (db) => bars(db, { text: 'warn' }),
    },
    {
      name: 'histogram, 60 buckets, full text, a word in 1 row of 130 (error)',
      run: (db) => bars(db, { text: 'error' }),
    },
  ]
}

export function searchWorkloads(size: number, fixture: Fixture): Workload[] {
  const end = fixture.start + size * 20
  const search =
    (query: LogQuery, extra: { cursor?: string } = {}) =>
    (db: Database.Database) =>
      searchEntries(db, logSearchInput.parse({ query, limit: 100, ...extra })).entries.length
  const emails = Math.floor(size / 4 / 3)
  let deep: string | undefined
  return [
    {
      name: 'full text, rare (an email id)',
      run: (db, i) => search({ text: `email-${(i * 7919) % emails}` })(db),
    },
    {
      name: 'full text, a subject word (rare)',
      run: (db, i) => search({ text: fixtureWord(i, fixture.shape) })(db),
    },
    { name: 'full text, common word (~75%)', run: (db) => search({ text: 'delivered' })(db) },
    { name: 'full text, phrase (common)', run: search({ text: '"delivered message"' }) },
    {
      name: 'full text, phrase that never occurs',
      run: (db, i) => search({ text: `"relay${i % 7} delivered"` })(db),
    },
    { name: 'full text, prefix', run: (db, i) => search({ text: `relay${i % 7}*` })(db) },
    {
      name: 'full text + service + level',
      run: (db, i) =>
        search({
          text: 'delivered',
          services: [fixture.services[i % fixture.services.length]!],
          levels: ['error'],
        })(db),
    },
    {
      name: 'full text + status failed',
      run: search({ text: 'delivered', statuses: ['failed'] }),
    },
    { name: 'filter: level error', run: search({ levels: ['error'] }) },
    {
      name: 'time range only (one hour)',
      run: (db, i) =>
        search({ from: end - (i + 2) * 3_600_000, to: end - (i + 1) * 3_600_000 })(db),
    },
    { name: 'newest page (no filter)', run: search({}) },
    {
      name: 'filter: service + last hour',
      run: (db, i) =>
        search({
          services: [fixture.services[i % fixture.services.length]!],
          from: end - 3_600_000,
        })(db),
    },
    {
      name: 'filter: recipient',
      run: (db, i) => search({ recipient: fixtureRecipient(i, fixture.shape) })(db),
    },
    { name: 'filter: status failed', run: search({ statuses: ['failed'] }) },
    {
      name: 'page 200 by keyset cursor (all rows)',
      // The first (untimed warm-up) run finds the cursor.
      run: (db) => {
        deep ??= deepCursor(db, 199)
        return search({}, deep === undefined ? {} : { cursor: deep })(db)
      },
    },
    {
      name: 'timeline of one email (logs:get)',
      run: (db, i) => getEntries(db, { emailId: `email-${(i * 7919) % emails}` }).timeline.length,
    },
    ...histogramWorkloads(size, fixture),
  ]
}
