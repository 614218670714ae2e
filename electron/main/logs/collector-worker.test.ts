import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { LogBatch, TailLine } from '../../../shared/contract'
import { StackLogCollector } from './collector'
import { keyHex, rowFromContainerLine, type ContainerLine } from './rows'
import { WorkerLogStore } from './store-client'

/** The engine's log stream, played from a script: each batch once the previous one was emitted. */
const script = vi.hoisted(() => ({
  batches: [] as LogBatch[],
  between: (_index: number): Promise<void> => Promise.resolve(),
}))

vi.mock('../docker', async (importOriginal) => ({
  ...(await importOriginal<typeof import('../docker')>()),
  streamContainerLogs: async (
    _docker: unknown,
    _input: unknown,
    sink: { emit: (batch: LogBatch) => void; signal: AbortSignal },
  ) => {
    for (const [index, batch] of script.batches.entries()) {
      if (sink.signal.aborted) return
      sink.emit(batch)
      await script.between(index)
    }
    await new Promise((resolve) => sink.signal.addEventListener('abort', resolve, { once: true }))
  },
}))

const ref = { id: 'c-api', name: 'stack-api-1', service: 'api' }
const docker = {
  listContainers: () =>
    Promise.resolve([
      {
        Id: ref.id,
        Names: [`/${ref.name}`],
        Labels: { 'maildock.stack': 'stack', 'maildock.service': 'api' },
      },
    ]),
} as unknown as Docker

const line = (n: number): ContainerLine => ({
  stream: n % 3 === 0 ? 'stderr' : 'stdout',
  time: new Date(Date.UTC(2025, 0, 1) + n).toISOString(),
  text: n % 2 === 0 ? `{"level":50,"msg":"json ${n}"}` : `WARN plain ${n}`,
})

let dir: string
let store: WorkerLogStore

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-collector-worker-'))
  store = new WorkerLogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    // Nothing is committed before the crash: every batch is sent to the new worker again.
    writer: { intervalMs: 60_000 },
    restartDelaysMs: [50],
  })
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}, 30_000)

describe('the collector on the worker-thread store', { timeout: 60_000 }, () => {
  it('hands every line to the Tail once, in order, with its row’s key, across a worker crash', async () => {
    script.batches = Array.from({ length: 20 }, (_, b) => ({
      lines: Array.from({ length: 100 }, (_, i) => line(b * 100 + i)),
      dropped: 0,
    }))
    script.between = async (index) => {
      if (index === 9) await store.kill()
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    const collector = new StackLogCollector({
      docker: () => docker,
      onEngineEvent: () => () => undefined,
      onEngineConnected: () => () => undefined,
      store,
    })
    const tailed: TailLine[] = []
    collector.subscribe((_ref, lines) => tailed.push(...lines))
    collector.start()
    const deadline = Date.now() + 30_000
    while (tailed.length < 2_000 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    await store.flush()
    collector.stop()

    const expected = script.batches.flatMap((batch) => batch.lines)
    expect(tailed.map((l) => l.text)).toEqual(expected.map((l) => l.text))
    const rows = expected.map((l) => rowFromContainerLine(ref, l))
    expect(tailed.map((l) => l.key)).toEqual(rows.map((row) => keyHex(row.dedup)))
    expect(tailed.map((l) => [l.ts, l.level, l.stream])).toEqual(
      rows.map((row) => [row.ts, row.level, row.stream]),
    )
    expect(store.restarts).toBe(1)
    expect(collector.status().lines).toBe(2_000)
    expect((await store.status()).rows).toBe(2_000)
  })
})
