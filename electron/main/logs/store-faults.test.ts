import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { logSearchInput, MaildockError } from '../../../shared/contract'
import { fixtureMessages, toMail } from '../../../test/support/log-fixtures'
import { LogStore, type LogStoreOptions } from './store'

let dir: string
let path: string
const stores: LogStore[] = []

function open(options: Partial<LogStoreOptions> = {}): LogStore {
  const store = new LogStore({
    path,
    retentionDelayMs: 0,
    writer: { intervalMs: 5, retryDelaysMs: [20] },
    ...options,
  })
  stores.push(store)
  return store
}

const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    stream: 'stdout' as const,
    time: new Date(Date.UTC(2025, 0, 1) + from + i).toISOString(),
    text: `line ${from + i} ${'x'.repeat(200)}`,
  }))

const until = async (check: () => boolean, ms = 3_000): Promise<void> => {
  const end = Date.now() + ms
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-faults-'))
  path = join(dir, 'logs.db')
})

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('a full disk', () => {
  it('pauses ingestion, says so, loses nothing stored or queued, and resumes', async () => {
    const store = open()
    store.ingestLogLines('api', lines(0, 100))
    await store.flush()
    const db = store.reader()
    // SQLite answers SQLITE_FULL once the file may not grow, exactly as on a full disk.
    db.pragma(`max_page_count = ${db.pragma('page_count', { simple: true }) as number}`)

    store.ingestLogLines('api', lines(100, 2_000))
    const mail = store.ingestMail(toMail(fixtureMessages(1)[0]!))
    await until(() => store.status().state === 'paused')
    const paused = store.status()
    expect(paused.ingest.paused).toBe(true)
    expect(paused.ingest.pausedReason).toMatch(/disk is full/)
    expect(paused.ingest.queued).toBe(2_001)
    expect(paused.lastError).toMatchObject({ kind: 'full' })
    expect(paused.rows).toBe(100)
    expect(
      store.search(logSearchInput.parse({ query: { services: ['api'] }, limit: 1000 })).entries,
    ).toHaveLength(100)

    db.pragma('max_page_count = 1073741823')
    await expect(mail).resolves.toEqual({ stored: true })
    await store.flush()
    const resumed = store.status()
    expect(resumed.state).toBe('ready')
    expect(resumed.rows).toBe(2_101)
    expect(resumed.ingest.queued).toBe(0)
  })
})

describe('a bounded queue', () => {
  it('drops lines beyond the bound (counted) and refuses mail events for redelivery', async () => {
    const store = open({ writer: { intervalMs: 5, maxQueued: 50, retryDelaysMs: [20] } })
    const result = store.ingestLogLines('api', lines(0, 80))
    expect(result).toMatchObject({ accepted: 50, dropped: 30 })
    await expect(store.ingestMail(toMail(fixtureMessages(1)[0]!))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    await store.flush()
    expect(store.status().ingest).toMatchObject({ dropped: 30, refused: 1, written: 50 })
  })
})

describe('a damaged file', () => {
  it('is reported with the way out, and reset keeps the old file and starts fresh', async () => {
    writeFileSync(path, 'this is not a database '.repeat(500))
    const store = open()
    const status = store.status()
    expect(status.state).toBe('failed')
    expect(status.lastError).toMatchObject({ kind: 'corrupt' })
    expect(status.lastError?.message).toMatch(/is damaged or is not a database/)

    // Lines and events keep waiting in memory meanwhile.
    store.ingestLogLines('api', lines(0, 10))
    const mail = store.ingestMail(toMail(fixtureMessages(2)[0]!))
    let error: unknown
    try {
      store.search(logSearchInput.parse({}))
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(MaildockError)
    expect(error).toMatchObject({ code: 'UNAVAILABLE', details: { wayOut: 'logs:reset-db' } })
    expect((error as Error).message).toMatch(/Reset the log database/)

    const { keptAs } = store.reset()
    expect(keptAs).toMatch(/logs\.db\.old-/)
    expect(readFileSync(keptAs!, 'utf8')).toContain('this is not a database')
    await expect(mail).resolves.toEqual({ stored: true })
    await store.flush()
    expect(store.status()).toMatchObject({ state: 'ready', rows: 11, lastError: null })
  })

  it('is reported when damage shows up while reading', async () => {
    const store = open()
    store.ingestLogLines('api', lines(0, 2_000))
    await store.flush()
    await store.close()
    // Overwrite pages in the middle of the file (the header stays valid).
    const db = new Database(path)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
    const bytes = readFileSync(path)
    bytes.fill(0x55, 8_192, bytes.length - 4_096)
    writeFileSync(path, bytes)
    const reopened = open()
    expect(() =>
      reopened.search(logSearchInput.parse({ query: { text: 'line' }, limit: 1000 })),
    ).toThrow(/damaged|malformed/)
    expect(reopened.status().state).toBe('failed')
  })
})

describe('a read-only file', () => {
  it('stays searchable, holds new rows, and says writing is impossible', async () => {
    const writer = open()
    writer.ingestLogLines('api', lines(0, 5))
    await writer.flush()
    await writer.close()

    const store = open({ open: { readonly: true } })
    expect(store.status()).toMatchObject({ state: 'failed', lastError: { kind: 'read-only' } })
    expect(store.status().ingest.pausedReason).toMatch(/read-only/)
    expect(store.search(logSearchInput.parse({})).entries).toHaveLength(5)
    store.ingestLogLines('api', lines(5, 3))
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(store.status().ingest).toMatchObject({ queued: 3, written: 0 })
    expect(existsSync(path)).toBe(true)
  })
})

describe('a file locked by another program', () => {
  it('pauses and retries until the lock is gone', async () => {
    const store = open({ open: { busyTimeoutMs: 10 } })
    store.ingestLogLines('api', lines(0, 5))
    await store.flush()
    const other = new Database(path)
    other.exec('BEGIN IMMEDIATE')
    store.ingestLogLines('api', lines(5, 5))
    await until(() => store.status().state === 'paused')
    expect(store.status().lastError).toMatchObject({ kind: 'locked' })
    other.exec('ROLLBACK')
    other.close()
    await store.flush()
    expect(store.status()).toMatchObject({ state: 'ready', rows: 10 })
  })
})

describe('a file from a newer MailDock', () => {
  it('is refused rather than rewritten', () => {
    const db = new Database(path)
    db.pragma('user_version = 99')
    db.close()
    const status = open().status()
    expect(status.state).toBe('failed')
    expect(status.lastError?.message).toMatch(/schema version 99/)
  })
})
