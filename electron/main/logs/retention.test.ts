import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { logSearchInput } from '../../../shared/contract'
import { fixtureMessages, toMail } from '../../../test/support/log-fixtures'
import { applyRetention, retentionFromEnv, usedBytes } from './retention'
import { openTempLogStore, type TempLogStore } from '../../../test/support/temp-log-store'
import { LogStore } from './store'

const DAY = 86_400_000
let temp: TempLogStore
let store: LogStore

beforeEach(() => {
  temp = openTempLogStore('maildock-retention-')
  store = temp.store
})

afterEach(() => temp.remove())

const linesAt = (start: number, count: number, word: string) =>
  Array.from({ length: count }, (_, i) => ({
    stream: 'stdout' as const,
    time: new Date(start + i).toISOString(),
    text: `${word} ${i} ${'lorem ipsum dolor sit amet '.repeat(8)}`,
  }))

const count = (text: string): number =>
  store.search(logSearchInput.parse({ query: { text }, limit: 1000 })).entries.length

describe('retention', () => {
  it('removes entries older than the age limit, from the index too, and their emails', async () => {
    const now = Date.now()
    store.ingestLogLines('api', linesAt(now - 40 * DAY, 50, 'ancient'))
    store.ingestLogLines('api', linesAt(now - DAY, 50, 'recent'))
    await Promise.all(fixtureMessages(1).map((m) => store.ingestMail(toMail(m))))
    await store.flush()
    expect(store.status().emails).toBe(1)

    const run = await applyRetention(
      () => store.reader(),
      { maxAgeDays: 30, maxSizeMb: null },
      { now },
    )
    expect(run).toEqual({ deleted: 53, emailsDeleted: 1 })
    expect(count('ancient')).toBe(0)
    expect(count('recent')).toBe(50)
    expect(store.get({ emailId: 'email-1' }).email).toBeNull()
  })

  it(
    'removes the oldest entries while the file is over the size limit',
    { timeout: 60_000 },
    async () => {
      const start = Date.now() - 1_000_000
      for (let i = 0; i < 10; i += 1)
        store.ingestLogLines('api', linesAt(start + i * 1_000, 1_000, `batch${i}`))
      await store.flush()
      const db = store.reader()
      expect(usedBytes(db)).toBeGreaterThan(2 * 1024 * 1024)

      const run = await applyRetention(
        () => db,
        { maxAgeDays: null, maxSizeMb: 1 },
        { chunkRows: 500 },
      )
      expect(run.deleted).toBeGreaterThan(5_000)
      expect(run.deleted).toBeLessThan(10_000)
      expect(count('batch0')).toBe(0)
      expect(count('batch9')).toBe(1000)
      // Freed pages went back to the disk (incremental vacuum).
      expect(db.pragma('freelist_count', { simple: true })).toBe(0)
    },
  )

  it('is kept in the database and applied when set', async () => {
    store.ingestLogLines('api', linesAt(Date.now() - 10 * DAY, 5, 'old'))
    await store.flush()
    store.setRetention({ maxAgeDays: 7, maxSizeMb: null })
    // Retention runs in the background: poll until it has.
    await vi.waitFor(
      () => {
        expect(count('old')).toBe(0)
        expect(store.status().compaction.lastDeleted).toBe(5)
      },
      { timeout: 30_000 },
    )
    await store.close()
    const reopened = new LogStore({ path: join(temp.dir, 'logs.db'), retentionDelayMs: 0 })
    expect(reopened.status().retention).toEqual({ maxAgeDays: 7, maxSizeMb: null })
    await reopened.close()
  })

  it('reads its defaults from the environment', () => {
    expect(retentionFromEnv({})).toEqual({ maxAgeDays: 30, maxSizeMb: 2048 })
    expect(
      retentionFromEnv({ MAILDOCK_LOG_RETENTION_DAYS: '0', MAILDOCK_LOG_MAX_MB: '500' }),
    ).toEqual({
      maxAgeDays: null,
      maxSizeMb: 500,
    })
  })
})
