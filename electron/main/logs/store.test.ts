import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  logExportInput,
  logHistogramInput,
  logSearchInput,
  type LogQuery,
} from '../../../shared/contract'
import {
  fixtureMessages,
  fixtureRecipient,
  fixtureWord,
  toMail,
} from '../../../test/support/log-fixtures'
import { openTempLogStore, type TempLogStore } from '../../../test/support/temp-log-store'
import { LogStore } from './store'

let temp: TempLogStore
let store: LogStore

const search = (query: LogQuery, extra: { cursor?: string; limit?: number } = {}) =>
  store.search(logSearchInput.parse({ query, ...extra }))

async function ingestEmails(count: number): Promise<void> {
  const pending: Array<Promise<unknown>> = []
  for (let i = 0; i < count; i += 1) {
    for (const message of fixtureMessages(i)) pending.push(store.ingestMail(toMail(message)))
  }
  await Promise.all(pending)
}

beforeEach(() => {
  temp = openTempLogStore('maildock-logs-')
  store = temp.store
})

afterEach(() => temp.remove())

describe('LogStore ingestion', () => {
  it('stores each mail event once, however often it arrives', async () => {
    const first = await Promise.all(fixtureMessages(1).map((m) => store.ingestMail(toMail(m))))
    const again = await Promise.all(fixtureMessages(1).map((m) => store.ingestMail(toMail(m))))
    expect(first.map((r) => r.stored)).toEqual([true, true, true])
    expect(again.map((r) => r.stored)).toEqual([false, false, false])
    const status = store.status()
    expect(status.rows).toBe(3)
    expect(status.ingest).toMatchObject({ written: 3, duplicates: 3 })
    expect(status.state).toBe('ready')
    expect(status.schemaVersion).toBe(10)
  })

  it('writes a burst in a few transactions, not one per row', async () => {
    await ingestEmails(1_000)
    const { ingest, rows } = store.status()
    expect(rows).toBe(3_100)
    expect(ingest.batches).toBeLessThan(10)
  })

  it('stores container lines with their email links and skips repeated lines', async () => {
    const ref = { id: 'abc', name: 'maildock-logger-1', service: 'logger' }
    const line = {
      stream: 'stdout' as const,
      time: '2025-01-01T10:00:00.000000001Z',
      text: JSON.stringify({
        level: 40,
        msg: 'email.failed',
        kind: 'event',
        emailId: 'email-7',
        eventType: 'failed',
      }),
    }
    expect(store.ingestLogLines(ref, [line, line]).accepted).toBe(2)
    store.ingestLogLines(ref, [line])
    await store.flush()
    const { entries } = search({ services: ['logger'] })
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({
      emailId: 'email-7',
      status: 'failed',
      level: 'warn',
      container: ref.name,
    })
    expect(store.lastLineTs(ref.name)).toBe(Date.parse('2025-01-01T10:00:00.000Z'))
  })
})

describe('LogStore search', () => {
  beforeEach(() => ingestEmails(200))

  it('finds emails by a word of the subject, and their timeline by recipient', () => {
    const word = fixtureWord(7)
    const bySubject = search({ text: word, statuses: ['request'] }, { limit: 1000 })
    const expected = Array.from({ length: 200 }, (_, i) => i).filter((i) => fixtureWord(i) === word)
    expect(bySubject.entries.map((e) => e.emailId).sort()).toEqual(
      expected.map((i) => `email-${i}`).sort(),
    )
    expect(bySubject.entries[0]?.subject).toContain(word)

    const byRecipient = search({ recipient: fixtureRecipient(3).toUpperCase() }, { limit: 1000 })
    const emails = new Set(byRecipient.entries.map((e) => e.emailId))
    expect(emails).toEqual(new Set([3, 53, 103, 153].map((i) => `email-${i}`)))
    expect(byRecipient.entries).toHaveLength(3 * 4)
    expect(byRecipient.entries.every((e) => e.recipients.includes(fixtureRecipient(3)))).toBe(true)
  })

  it('understands phrases, prefixes, addresses and OR', () => {
    expect(search({ text: '"mailbox unavailable"' }, { limit: 1000 }).entries).toHaveLength(20)
    expect(search({ text: 'unavail*' }, { limit: 1000 }).entries).toHaveLength(20)
    expect(search({ text: 'user3@example.com', statuses: ['request'] }).entries).toHaveLength(4)
    expect(search({ text: 'email-42 OR email-43', statuses: ['request'] }).entries).toHaveLength(2)
  })

  it('searches broken syntax as plain words and says so', () => {
    const unbalanced = search({ text: '"mailbox unavailable' }, { limit: 1000 })
    expect(unbalanced.notice).toMatch(/unterminated string.*plain text/)
    expect(unbalanced.entries).toHaveLength(20)
    const lone = search({ text: 'AND' })
    expect(lone.notice).toMatch(/syntax error near "AND"/)
    expect(lone.entries).toHaveLength(0)
    expect(search({ text: '"' }).notice).toMatch(/showing everything/)
  })

  it('filters by service, level, status, domain and time range', () => {
    const start = Date.UTC(2025, 0, 1)
    expect(search({ levels: ['error'] }, { limit: 1000 }).entries).toHaveLength(20)
    expect(
      search({ services: ['emailer'], statuses: ['sent'] }, { limit: 1000 }).entries,
    ).toHaveLength(180)
    expect(
      search({ recipient: '@example.com', statuses: ['request'] }, { limit: 1000 }).entries,
    ).toHaveLength(200)
    expect(search({ recipient: '@example.org' }).entries).toHaveLength(0)
    const window = search(
      { statuses: ['request'], from: start + 100, to: start + 200 },
      { limit: 1000 },
    )
    expect(window.entries.map((e) => e.emailId)).toEqual(
      [19, 18, 17, 16, 15, 14, 13, 12, 11, 10].map((i) => `email-${i}`),
    )
  })

  it('pages newest first with a keyset cursor, each row exactly once', () => {
    const seen: number[] = []
    let cursor: string | undefined
    let last = Infinity
    for (let page = 0; page < 100; page += 1) {
      const result = search({}, { limit: 37, ...(cursor ? { cursor } : {}) })
      for (const entry of result.entries) {
        expect(entry.ts).toBeLessThanOrEqual(last)
        last = entry.ts
        seen.push(entry.id)
      }
      if (result.nextCursor === null) break
      cursor = result.nextCursor
    }
    expect(seen).toHaveLength(620)
    expect(new Set(seen).size).toBe(620)
  })

  it('rejects a cursor it did not make', () => {
    expect(() => search({}, { cursor: 'DROP TABLE' })).toThrow(/Not a cursor/)
  })

  it('gives the whole timeline of an email, oldest first, with its summary', () => {
    const result = store.get({ emailId: 'email-9' })
    expect(result.timeline.map((e) => e.status)).toEqual([
      'request',
      'accepted',
      'retrying',
      'failed',
    ])
    expect(result.email).toMatchObject({
      emailId: 'email-9',
      recipients: ['user9@example.com'],
      lastStatus: 'failed',
    })
    const byId = store.get({ id: result.timeline[2]!.id })
    expect(byId.entry?.status).toBe('retrying')
    expect(byId.timeline).toHaveLength(4)
    expect(store.get({ emailId: 'nope' })).toEqual({
      entry: null,
      email: null,
      timeline: [],
      truncated: false,
    })
  })

  it('gives the furthest stage as the email status, whatever the order of the clocks', async () => {
    const [request, accepted, sent] = fixtureMessages(500)
    // The api's clock is late: its accepted event is stamped after the emailer's sent event.
    const late = {
      ...accepted!,
      at: new Date(Date.parse((sent as { at: string }).at) + 50).toISOString(),
    }
    await Promise.all([request!, late, sent!].map((m) => store.ingestMail(toMail(m))))
    const { email, timeline } = store.get({ emailId: 'email-500' })
    expect(timeline.map((e) => e.status)).toEqual(['request', 'sent', 'accepted'])
    expect(email?.lastStatus).toBe('sent')
  })

  it('exports a result set in chunks that join into the whole set', () => {
    const query = { statuses: ['request' as const] }
    let cursor: string | undefined
    const chunks: string[] = []
    do {
      const chunk = store.exportChunk(
        logExportInput.parse({
          query,
          format: 'csv',
          maxBytes: 4096,
          ...(cursor ? { cursor } : {}),
        }),
      )
      chunks.push(chunk.chunk)
      cursor = chunk.nextCursor ?? undefined
    } while (cursor)
    expect(chunks.length).toBeGreaterThan(3)
    const lines = chunks.join('').trimEnd().split('\r\n')
    expect(lines[0]).toBe(
      'id,time,service,container,stream,level,status,email_id,subject,recipients,text,raw',
    )
    expect(lines).toHaveLength(201)
    expect(lines[1]).toContain('email-199')

    const jsonl = store.exportChunk(logExportInput.parse({ query, format: 'jsonl' }))
    const rows = jsonl.chunk
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { emailId: string; time: string })
    expect(rows).toHaveLength(200)
    expect(rows[0]).toMatchObject({ emailId: 'email-199', time: '2025-01-01T00:00:01.990Z' })
    expect(jsonl.nextCursor).toBeNull()
  })

  it('counts entries per time bucket, with warnings and errors apart', async () => {
    const start = Date.UTC(2025, 0, 1)
    const result = await store.histogram(
      logHistogramInput.parse({ query: { from: start, to: start + 2_000 }, buckets: 20 }),
    )
    expect(result.bucketMs).toBe(100)
    expect(result.buckets).toHaveLength(20)
    const total = result.buckets.reduce((sum, b) => sum + b.total, 0)
    // Failures land 5 s later, outside the range: 200 requests + 200 accepted + 180 sent + 20 retrying.
    expect(total).toBe(600)
    expect(result.buckets.reduce((sum, b) => sum + b.warn, 0)).toBe(20)
    expect(result.buckets[0]).toMatchObject({ t: start, total: 30 })
    const errors = await store.histogram(logHistogramInput.parse({ query: { levels: ['error'] } }))
    expect(errors.buckets.reduce((sum, b) => sum + b.error, 0)).toBe(20)
  })
})
