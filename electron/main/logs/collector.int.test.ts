import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  logSearchInput,
  type LogTailBatch,
  type MaildockClient,
} from '../../../shared/contract'
import {
  BASE_IMAGE,
  cleanupSuite,
  docker,
  startHarness,
  subscribe,
  testLabels,
  uniqueSuite,
  waitFor,
  type Harness,
} from '../../../test/support/docker'
import { countServiceRows } from '../../../test/support/temp-log-store'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { createRouter } from '../router'
import { StackLogCollector } from './collector'
import { logsHandlers } from './logs-handlers'
import { LogStore, type LogStoreOptions } from './store'
import { WorkerLogStore } from './store-client'

/*
 * The collector and the tail against the real engine: a labelled stack container's lines reach
 * the store (all of them, once, also across a collector restart) and the Tail live; a container
 * outside the stack can be tailed too, without being stored.
 */

const suite = uniqueSuite('logs-collector')
const service = `svc-${suite}`
let h: Harness
let dir: string
let store: LogStore
let collector: StackLogCollector
let client: MaildockClient

function startCollector(): StackLogCollector {
  const engine = h.engine
  const started = new StackLogCollector({
    docker: () => engine.client,
    onEngineEvent: (listener) => engine.onEvent(listener),
    onEngineConnected: () => () => undefined,
    store,
  })
  started.start()
  return started
}

const labels = (extra: Record<string, string>) =>
  Object.entries({ ...testLabels(suite), ...extra }).flatMap(([k, v]) => ['--label', `${k}=${v}`])

const storedLines = (): string[] => {
  const texts: string[] = []
  let cursor: string | undefined
  do {
    const page = store.search(
      logSearchInput.parse({
        query: { services: [service] },
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      }),
    )
    texts.push(...page.entries.map((e) => e.raw))
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return texts
}

beforeAll(async () => {
  h = await startHarness()
  dir = mkdtempSync(join(tmpdir(), 'maildock-collector-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 20 },
  })
  collector = startCollector()
  const api = logsHandlers({ store, collector, docker: () => h.engine.client })
  const router = createRouter({
    channels: api.channels as unknown as ChannelHandlers,
    events: api.events as unknown as EventHandlers,
    isTrustedSender: () => true,
  })
  const ctx = { sender: { url: 'test://', isMainFrame: true } }
  client = createClient({
    call: (channel, input) => router.call(channel, input, ctx),
    subscribe: (event, input, onMessage) => router.subscribe(event, input, ctx, onMessage),
  })
})

afterAll(async () => {
  collector.stop()
  await cleanupSuite(h.engine.client, suite)
  await store.close()
  await h.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('the stack log collector', () => {
  it('stores every line of a stack container once and tails it live', async () => {
    const tail = subscribe(client, 'logs:tail', { services: [service], history: 0 })
    await tail.until((batch) => batch.historyDone === true)
    // 3,000 lines at once (JSON, plain, ANSI, stderr), then one line every 20 ms.
    const id = await docker(
      'run',
      '-d',
      ...labels({ 'maildock.stack': suite, 'maildock.service': service }),
      BASE_IMAGE,
      'sh',
      '-c',
      [
        'i=0; while [ $i -lt 1000 ]; do',
        'echo "{\\"level\\":40,\\"msg\\":\\"json $i\\"}"; echo "plain $i"; printf "\\033[31mERROR\\033[0m red $i\\n" >&2;',
        'i=$((i+1)); done;',
        'j=0; while :; do echo "tick $j"; j=$((j+1)); sleep 0.02; done',
      ].join(' '),
    )
    await waitFor(
      () => storedLines().filter((t) => !t.startsWith('tick')).length >= 3_000,
      30_000,
      'the burst stored',
    )
    const burst = storedLines().filter((t) => !t.startsWith('tick'))
    expect(burst).toHaveLength(3_000)
    expect(new Set(burst).size).toBe(3_000)
    const levels = store.search(
      logSearchInput.parse({ query: { services: [service], levels: ['error'] }, limit: 1000 }),
    )
    expect(levels.entries).toHaveLength(1000)
    expect(levels.entries[0]?.stream).toBe('stderr')
    expect(
      store.search(logSearchInput.parse({ query: { services: [service], text: '"json 999"' } }))
        .entries,
    ).toHaveLength(1)

    const live = await tail.until(
      (batch) => batch.lines.some((l) => l.text.startsWith('tick')),
      10_000,
    )
    expect(live.lines[0]?.service).toBe(service)
    const tailed = tail.data.flatMap((b: LogTailBatch) => b.lines.map((l) => l.text))
    expect(
      tailed.filter((t) => t.startsWith('plain')).length +
        tail.data.reduce((n, b) => n + b.dropped, 0),
    ).toBe(1000)
    tail.stop()

    // A new collector resumes from the newest stored line: nothing doubled, nothing lost.
    collector.stop()
    await new Promise((resolve) => setTimeout(resolve, 300))
    collector = startCollector()
    await waitFor(
      () => collector.containers().some((c) => c.id === id),
      10_000,
      'the restarted collector',
    )
    await new Promise((resolve) => setTimeout(resolve, 500))
    await store.flush()
    const after = storedLines()
    expect(new Set(after).size).toBe(after.length)
    const ticks = after
      .filter((t) => t.startsWith('tick'))
      .map((t) => Number(t.slice(5)))
      .sort((a, b) => a - b)
    expect(ticks.length).toBeGreaterThan(10)
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i))
  })

  // The main-thread store answers at once; the app's worker-thread store makes the rows on its
  // thread and reports them to the Tail later, also across the catch-ups.
  type Open = (options: LogStoreOptions) => LogStore | WorkerLogStore
  it.each<[string, string, Open]>([
    ['on the main thread', 'main', (options) => new LogStore(options)],
    ['in its worker thread', 'worker', (options) => new WorkerLogStore(options)],
  ])(
    'reads a burst again from the engine when it outruns the store %s: every line stored once',
    async (_where, name, open) => {
      const small = open({
        path: join(dir, `small-${name}.db`),
        retentionDelayMs: 0,
        writer: { intervalMs: 20, maxQueued: 500 },
      })
      const burstService = `burst${name}-${suite}`
      const burstStack = `${suite}-burst${name}`
      const burst = new StackLogCollector({
        docker: () => h.engine.client,
        onEngineEvent: (listener) => h.engine.onEvent(listener),
        onEngineConnected: () => () => undefined,
        store: small,
        stackName: () => Promise.resolve(burstStack),
      })
      const seen: string[] = []
      burst.subscribe((_ref, lines) => seen.push(...lines.map((l) => l.text)))
      burst.start()
      try {
        await docker(
          'run',
          '-d',
          ...labels({ 'maildock.stack': burstStack, 'maildock.service': burstService }),
          BASE_IMAGE,
          'sh',
          '-c',
          'seq 1 20000 | sed "s/^/burst line /"; sleep 30',
        )
        const count = () => countServiceRows(small, burstService)
        await waitFor(async () => (await count()) >= 20_000, 60_000, 'the whole burst stored')
        await small.flush()
        expect(await count()).toBe(20_000)
        expect(burst.status().catchUps).toBeGreaterThan(0)
        expect((await small.status()).ingest.dropped).toBeGreaterThan(0)
        await waitFor(() => seen.length >= 20_000, 10_000, 'every line tailed')
        expect(new Set(seen).size).toBe(seen.length)
        expect(seen).toEqual(Array.from({ length: 20_000 }, (_, i) => `burst line ${i + 1}`))
      } finally {
        burst.stop()
        await small.close()
      }
    },
  )

  it('tails a container outside the stack with its history, without storing it', async () => {
    const id = await docker(
      'run',
      '-d',
      ...labels({}),
      BASE_IMAGE,
      'sh',
      '-c',
      'for i in 1 2 3; do echo "before $i"; done; sleep 0.5; echo after; sleep 30',
    )
    await waitFor(
      async () => (await docker('logs', id)).includes('before 3'),
      10_000,
      'first lines',
    )
    const tail = subscribe(client, 'logs:tail', { containers: [id], history: 10 })
    await tail.until((batch) => batch.lines.some((l) => l.text === 'after'), 10_000)
    const texts = tail.data.flatMap((b) => b.lines.map((l) => l.text))
    expect(texts).toEqual(['before 1', 'before 2', 'before 3', 'after'])
    tail.stop()
    const name = (await docker('inspect', '-f', '{{.Name}}', id)).replace(/^\//, '')
    expect(
      store.search(logSearchInput.parse({ query: { containers: [name] } })).entries,
    ).toHaveLength(0)
  })
})
