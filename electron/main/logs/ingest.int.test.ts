import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { logSearchInput, type LogEntry, type LogQuery } from '../../../shared/contract'
import { decodeEmailRequest, decodeOutcomeEvent, encodeMessage } from '../../../shared/messages'
import {
  fixtureMessages,
  fixtureRecipient,
  fixtureWord,
  DEFAULT_SHAPE,
  toMail,
} from '../../../test/support/log-fixtures'
import { LogStore } from './store'

/*
 * 100,000 mail messages (requests and outcome events of shared/messages, encoded and decoded as on
 * the wire) through ingestMail, a fifth of them twice: every one is stored once, and searches
 * by recipient and by a word of the subject return exactly the rows expected.
 */

const EMAILS = 36_000
let dir: string
let store: LogStore
let expectedTotal = 0
const typeCounts = new Map<string, number>()
/** How many messages of email i went in (the last email may be cut at 100,000). */
const ingested = new Map<number, number>()

function searchAll(query: LogQuery): LogEntry[] {
  const all: LogEntry[] = []
  let cursor: string | undefined
  do {
    const page = store.search(
      logSearchInput.parse({ query, limit: 1000, ...(cursor ? { cursor } : {}) }),
    )
    all.push(...page.entries)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return all
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-100k-'))
  store = new LogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
  const started = performance.now()
  let pending: Array<Promise<{ stored: boolean }>> = []
  for (let i = 0; i < EMAILS && expectedTotal < 100_000; i += 1) {
    for (const message of fixtureMessages(i)) {
      if (expectedTotal >= 100_000) break
      const body = encodeMessage(message)
      const decoded = 'eventId' in message ? decodeOutcomeEvent(body) : decodeEmailRequest(body)
      if (!decoded.ok) throw new Error(decoded.error)
      pending.push(store.ingestMail(toMail(decoded.value)))
      // A redelivery, as the broker does after a lost ack.
      if (expectedTotal % 5 === 0) pending.push(store.ingestMail(toMail(decoded.value)))
      expectedTotal += 1
      ingested.set(i, (ingested.get(i) ?? 0) + 1)
      const type = 'eventId' in message ? message.type : 'request'
      typeCounts.set(type, (typeCounts.get(type) ?? 0) + 1)
    }
    if (pending.length >= 20_000) {
      await Promise.all(pending)
      pending = []
    }
  }
  await Promise.all(pending)
  await store.flush()
  console.log(
    `ingested ${expectedTotal} events (+20% repeats) in ${Math.round(performance.now() - started)} ms`,
  )
})

afterAll(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('100,000 mail events through the ingest API', () => {
  it('are all in the store, none missing, none doubled', () => {
    expect(expectedTotal).toBe(100_000)
    const status = store.status()
    expect(status.rows).toBe(100_000)
    expect(status.ingest.written).toBe(100_000)
    expect(status.ingest.duplicates).toBe(20_000)

    const db = new Database(store.path, { readonly: true })
    const ids = db
      .prepare(
        "SELECT count(*) AS n, count(DISTINCT dedup) AS d FROM entries WHERE source = 'event'",
      )
      .get() as { n: number; d: number }
    expect(ids).toEqual({ n: 100_000, d: 100_000 })
    const byType = db
      .prepare('SELECT status, count(*) AS n FROM entries GROUP BY status')
      .all() as Array<{ status: string; n: number }>
    expect(new Map(byType.map((row) => [row.status, row.n]))).toEqual(typeCounts)
    // Every event id of every email that was sent in full is there exactly once.
    const perEmail = db
      .prepare(
        'SELECT count(*) AS n FROM (SELECT email_id FROM entries GROUP BY email_id HAVING count(*) NOT IN (3, 4))',
      )
      .get() as { n: number }
    expect(perEmail.n).toBeLessThanOrEqual(1)
    db.close()
  })

  it('finds by recipient exactly the rows of the emails sent to that address', () => {
    const emails = [...ingested.keys()].filter((i) => i % DEFAULT_SHAPE.recipients === 17)
    const entries = searchAll({ recipient: fixtureRecipient(17) })
    expect(entries).toHaveLength(emails.reduce((sum, i) => sum + (ingested.get(i) ?? 0), 0))
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length)
    expect(new Set(entries.map((e) => e.emailId))).toEqual(new Set(emails.map((i) => `email-${i}`)))
    expect(entries.every((e) => e.recipients.join() === fixtureRecipient(17))).toBe(true)
  })

  it('finds by a word of the subject exactly the requests that carry it', () => {
    const word = fixtureWord(42)
    const entries = searchAll({ text: word })
    const expected = [...ingested.keys()]
      .filter((i) => fixtureWord(i) === word)
      .map((i) => `email-${i}`)
    expect(expected.length).toBeGreaterThan(200)
    expect(entries.map((e) => e.emailId).sort()).toEqual(expected.sort())
    expect(entries.every((e) => e.status === 'request' && e.subject?.includes(word))).toBe(true)
  })
})
