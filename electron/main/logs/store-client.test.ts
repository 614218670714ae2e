import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  logHistogramInput,
  logSearchInput,
  MaildockError,
  type LogHistogram,
  type LogStatus,
} from '../../../shared/contract'
import { fixtureMessages, toMail } from '../../../test/support/log-fixtures'
import { backToSchema3 } from '../../../test/support/older-log-file'
import { indexSegments } from './index-merge'
import { builtLines, keyHex, rowFromContainerLine, type BuiltLines } from './rows'
import { LogStore } from './store'
import { WorkerLogStore } from './store-client'
import { endWorker } from './store-worker-start'

let dir: string
let store: WorkerLogStore

const ref = { id: 'c1', name: 'maildock-logger-1', service: 'logger' }
const lines = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({
    stream: 'stdout' as const,
    time: new Date(Date.UTC(2025, 0, 1) + (from + i) * 1_000).toISOString(),
    text: `line ${from + i} of the worker test`,
  }))

/** Bars of a day each over the lines' days: every block of ids lies in one bar. */
const DAY_BARS = logHistogramInput.parse({
  query: { text: 'worker', from: Date.UTC(2025, 0, 1), to: Date.UTC(2025, 0, 6) },
  buckets: 5,
})

/** Replaces the store by one whose histograms count one match a step, holding 2,000 lines. */
async function useSteppedStore(): Promise<void> {
  await store.close()
  store = new WorkerLogStore({
    path: join(dir, 'steps.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
    histogramStep: 1,
  })
  store.ingestLogLines(ref, lines(0, 2_000))
  await store.flush()
}

async function until<T>(probe: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  const deadline = Date.now() + 20_000
  for (;;) {
    const value = await probe()
    if (done(value) || Date.now() > deadline) return value
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-store-worker-'))
  store = new WorkerLogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
    restartDelaysMs: [50],
  })
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

describe('WorkerLogStore (a LogStore in a worker thread)', { timeout: 60_000 }, () => {
  it('stores lines and mail events sent in batches and finds them', async () => {
    expect(store.ingestLogLines(ref, lines(0, 500))).toMatchObject({ accepted: 500, dropped: 0 })
    const stored = await Promise.all(fixtureMessages(1).map((m) => store.ingestMail(toMail(m))))
    expect(stored.map((r) => r.stored)).toEqual([true, true, true])
    await store.flush()
    const found = await store.search(
      logSearchInput.parse({ query: { text: 'worker' }, limit: 1_000 }),
    )
    expect(found.entries).toHaveLength(500)
    expect(found.entries[0]?.text).toBe('line 499 of the worker test')
    const status = await store.status()
    expect(status).toMatchObject({ state: 'ready', rows: 503, lastError: null })
    expect(await store.lastLineTs(ref.name)).toBe(Date.UTC(2025, 0, 1) + 499_000)
  })

  it('makes the rows in the worker: the times, keys and levels it sends back are the rows’', async () => {
    const mixed = [
      { stream: 'stdout' as const, time: '2025-01-01T10:00:00.123456789Z', text: 'plain line' },
      {
        stream: 'stdout' as const,
        time: '2025-01-01T10:00:00.223456789Z',
        text: '{"level":50,"msg":"json failed","emailId":"e1","kind":"request"}',
      },
      {
        stream: 'stderr' as const,
        time: '2025-01-01T10:00:01Z',
        text: '\u001b[33mWARN\u001b[0m x',
      },
      { stream: 'stdout' as const, time: '', text: 'DEBUG no engine time' },
    ]
    let built: BuiltLines | undefined
    expect(store.ingestLogLines(ref, mixed, (b) => (built = b))).toEqual({
      accepted: 4,
      dropped: 0,
    })
    await until(
      () => Promise.resolve(built),
      (b) => b !== undefined,
    )
    const expected = mixed.map((line) => rowFromContainerLine(ref, line))
    const got = built!
    expect([...got.keys].slice(0, 3)).toEqual(expected.slice(0, 3).map((row) => row.dedup))
    expect([...got.ts].slice(0, 3)).toEqual(expected.slice(0, 3).map((row) => row.ts))
    expect([...got.levels]).toEqual([...builtLines(expected).levels])
    expect([...got.levels]).toEqual([2, 4, 3, 1])
    await store.flush()
    const stored = await store.search(logSearchInput.parse({ query: {}, limit: 10 }))
    expect(stored.entries.map((entry) => entry.key).sort()).toEqual(
      [...got.keys].map(keyHex).sort(),
    )
  })

  it('bounds the worker’s heap (a burst’s dead rows are collected early) and tells its size', async () => {
    store.ingestLogLines(ref, lines(0, 5_000))
    await store.flush()
    const heap = await store.heap()
    expect(heap.used).toBeGreaterThan(0)
    expect(heap.total).toBeGreaterThanOrEqual(heap.used)
    // Node's default here is several GB: the store's own bound is 256 MB old + 12 MB young.
    expect(heap.limit).toBeLessThanOrEqual(300 * 1024 * 1024)
  })

  it('gives the store’s own error, code and message, across the thread', async () => {
    const malformed = store.search(logSearchInput.parse({ query: {}, cursor: 'not-a-cursor' }))
    const error = await malformed.catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MaildockError)
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'Not a cursor from a previous page: not-a-cursor',
    })
  })

  it('says a damaged file is unavailable, with the way out, and resets it', async () => {
    await store.close()
    writeFileSync(join(dir, 'logs.db'), 'not a database '.repeat(1_000))
    store = new WorkerLogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
    const error = await store
      .search(logSearchInput.parse({ query: {} }))
      .catch((e: unknown) => e as MaildockError)
    expect(error).toBeInstanceOf(MaildockError)
    expect(error).toMatchObject({
      code: 'UNAVAILABLE',
      details: { wayOut: 'logs:reset-db', fault: { kind: 'corrupt' } },
    })
    expect((await store.status()).state).toBe('failed')
    expect((await store.reset()).keptAs).toMatch(/logs\.db/)
    expect(await store.status()).toMatchObject({ state: 'ready', rows: 0, lastError: null })
  })

  it('reports a crashed worker as a fault, restarts it and loses nothing acknowledged', async () => {
    // A writer that waits: nothing is committed when the worker stops.
    await store.close()
    store = new WorkerLogStore({
      path: join(dir, 'logs.db'),
      retentionDelayMs: 0,
      writer: { intervalMs: 60_000 },
      restartDelaysMs: [50],
    })
    const accepted = store.ingestLogLines(ref, lines(0, 2_000)).accepted
    const mails = fixtureMessages(2).map((m) => store.ingestMail(toMail(m)))
    await store.kill()
    const down = await store.status()
    expect(down.state).toBe('paused')
    expect(down.lastError?.message).toMatch(/worker thread stopped/)
    await expect(store.search(logSearchInput.parse({ query: {} }))).rejects.toMatchObject({
      code: 'UNAVAILABLE',
    })
    // Sent while it is down: kept until it is back.
    store.ingestLogLines(ref, lines(2_000, 100))
    await store.flush()
    await Promise.all(mails)
    const up = await until(
      () => store.status(),
      (s) => s.state === 'ready',
    )
    expect(store.restarts).toBe(1)
    expect(up.lastError?.message).toMatch(/worker thread stopped/)
    expect(up.rows).toBe(accepted + 100 + 3)
  })

  it('makes a batch again from its lines after a crash: stored once, its rows reported once', async () => {
    await store.close()
    store = new WorkerLogStore({
      path: join(dir, 'logs.db'),
      retentionDelayMs: 0,
      writer: { intervalMs: 60_000 },
      restartDelaysMs: [50],
    })
    const reports: number[] = []
    const keys: string[] = []
    const report = (batch: number) => (built: BuiltLines) => {
      reports.push(batch, built.ts.length)
      keys.push(...[...built.keys].map(keyHex))
    }
    // Without an engine time: the batch's own moment stands in, the same when it is made again.
    const untimed = lines(0, 50).map((line) => ({ ...line, time: '' }))
    store.ingestLogLines(ref, untimed, report(1))
    store.ingestLogLines(ref, lines(50, 50), report(2))
    await until(
      () => Promise.resolve(reports.length),
      (n) => n === 4,
    )
    await store.kill()
    store.ingestLogLines(ref, lines(100, 50), report(3))
    await store.flush()
    expect(store.restarts).toBe(1)
    expect(reports).toEqual([1, 50, 2, 50, 3, 50])
    const status = await store.status()
    expect(status.rows).toBe(150)
    expect(status.ingest.queued).toBe(0)
    // Stored by the restarted worker under the keys the first one reported.
    const stored = await store.search(logSearchInput.parse({ query: {}, limit: 1_000 }))
    expect(new Set(stored.entries.map((entry) => entry.key))).toEqual(new Set(keys))
  })

  it('merges the full-text index once the store has been quiet a while', async () => {
    const path = join(dir, 'segments.db')
    // FTS5's own merging off in this file: each flush leaves one more segment.
    const seed = new LogStore({ path, retentionDelayMs: 0 })
    seed
      .reader()
      .prepare("INSERT INTO entries_fts(entries_fts, rank) VALUES ('automerge', 0)")
      .run()
    await seed.close()
    const worker = new WorkerLogStore({ path, retentionDelayMs: 0, writer: { intervalMs: 5 } })
    const reader = new Database(path, { readonly: true })
    try {
      for (let batch = 0; batch < 20; batch++) {
        worker.ingestLogLines(ref, lines(batch * 100, 100))
        await worker.flush()
      }
      expect(indexSegments(reader)).toBeGreaterThan(8)
      const merged = await until(
        () => Promise.resolve(indexSegments(reader)),
        (n) => n <= 3,
      )
      expect(merged).toBeLessThanOrEqual(3)
      // Then the blocks below the newest are sealed with their frequent words ('worker', ...).
      const sealed = (): Promise<number> =>
        Promise.resolve(
          reader
            .prepare("SELECT count(*) FROM block_words WHERE word = 'worker'")
            .pluck()
            .get() as number,
        )
      expect(await until(sealed, (n) => n === 1)).toBe(1)
      const found = await worker.search(
        logSearchInput.parse({ query: { text: '"1999 of"' }, limit: 10 }),
      )
      expect(found.entries.map((e) => e.text)).toEqual(['line 1999 of the worker test'])
      expect(await worker.status()).toMatchObject({ rows: 2_000 })
    } finally {
      reader.close()
      await worker.close()
    }
  })

  it('answers a search asked while a histogram counts, between the histogram’s steps', async () => {
    await useSteppedStore()
    const answered: string[] = []
    const [bars, found] = await Promise.all([
      store.histogram(DAY_BARS).then((result) => {
        answered.push('histogram')
        return result
      }),
      store.search(logSearchInput.parse({ query: { text: '"1999 of"' } })).then((result) => {
        answered.push('search')
        return result
      }),
    ])
    expect(answered).toEqual(['search', 'histogram'])
    expect(found.entries.map((e) => e.text)).toEqual(['line 1999 of the worker test'])
    expect(bars.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(2_000)
  })

  it('counts a histogram over again on the fresh file when the store is reset between its steps', async () => {
    await useSteppedStore()
    const [bars, reset] = await Promise.allSettled([store.histogram(DAY_BARS), store.reset()])
    expect(reset.status).toBe('fulfilled')
    expect(bars.status).toBe('fulfilled')
    const counted = (bars as PromiseFulfilledResult<LogHistogram>).value
    expect(counted.buckets).toHaveLength(5)
    expect(counted.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(0)
    store.ingestLogLines(ref, lines(0, 300))
    await store.flush()
    const again = await store.histogram(DAY_BARS)
    expect(again.buckets.reduce((sum, bucket) => sum + bucket.total, 0)).toBe(300)
  })

  it('closes: the worker ends and later calls say the store is closed', async () => {
    store.ingestLogLines(ref, lines(0, 10))
    await store.close()
    await expect(store.search(logSearchInput.parse({ query: {} }))).rejects.toThrow(/closed/)
    expect(store.ingestLogLines(ref, lines(10, 5))).toMatchObject({ accepted: 0, dropped: 5 })
    const reopened = new WorkerLogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
    expect((await reopened.status()).rows).toBe(10)
    await reopened.close()
  })

  it('tells an older file’s upgrade while it runs, without waiting on the worker it holds', async () => {
    store.ingestLogLines(ref, lines(0, 3_000))
    await store.close()
    const file = new Database(join(dir, 'logs.db'))
    backToSchema3(file)
    file.close()

    const during: Promise<LogStatus>[] = []
    const old: WorkerLogStore = new WorkerLogStore({
      path: join(dir, 'logs.db'),
      retentionDelayMs: 0,
      // Told each step after its progress: the status asked now is the step's.
      log: (message) => {
        if (message.includes('indexing')) during.push(old.status())
      },
    })
    store = old
    const after = await old.status()
    const seen = await Promise.all(during)
    expect(seen.length).toBeGreaterThanOrEqual(20)
    expect(seen[0]).toMatchObject({
      state: 'upgrading',
      upgrade: { message: expect.stringMatching(/indexing the time order/) },
      ingest: { paused: true, pausedReason: expect.stringMatching(/5%/) },
    })
    expect(seen.every((status) => status.state === 'upgrading')).toBe(true)
    // Two steps behind, one bar: it only grows, and ends full.
    const fractions = seen.map((status) => status.upgrade?.fraction ?? 0)
    expect(fractions[0]).toBeGreaterThan(0)
    expect(fractions.every((fraction, i) => i === 0 || fraction > (fractions[i - 1] ?? 1))).toBe(
      true,
    )
    expect(fractions.at(-1)).toBe(1)
    expect(after).toMatchObject({ state: 'ready', rows: 3_000, upgrade: null })
    expect((await old.status()).state).toBe('ready')
  })
})

describe('endWorker', () => {
  it('ends a thread whose store does not answer its close within the time given', async () => {
    const stuck = new Worker('for (;;) {}', { eval: true })
    const exited = new Promise((resolve) => stuck.once('exit', resolve))
    await endWorker(stuck, new Promise(() => undefined), 50)
    await exited
    // A thread that has ended has no id any more.
    expect(stuck.threadId).toBe(-1)
  })
})
