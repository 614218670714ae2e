import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { LogTailBatch, TailLine } from '../../../shared/contract'
import type { StackLogCollector } from './collector'
import { tailLine, type LineListener } from './live-lines'
import { rowFromContainerLine, type ContainerRef } from './rows'
import { LogStore } from './store'
import { runTail } from './tail'

const api: ContainerRef = { id: 'aaa111', name: 'stack-api-1', service: 'api' }
const emailer: ContainerRef = { id: 'bbb222', name: 'stack-emailer-1', service: 'emailer' }
const start = Date.UTC(2025, 0, 1)

const line = (n: number) => ({
  stream: 'stdout' as const,
  time: new Date(start + n).toISOString(),
  text: `line ${n}`,
})

/** The collector's surface the tail uses: followed containers and live lines. */
function fakeCollector() {
  const listeners = new Set<LineListener>()
  const collector = {
    containers: () => [api, emailer],
    subscribe: (listener: LineListener) => {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
  const emit = (ref: ContainerRef, numbers: number[]): void => {
    const lines: TailLine[] = numbers.map((n) =>
      tailLine(ref, line(n), rowFromContainerLine(ref, line(n))),
    )
    for (const listener of listeners) listener(ref, lines)
  }
  return { collector: collector as unknown as StackLogCollector, emit, listeners }
}

let dir: string
let store: LogStore

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-tail-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  store.ingestLogLines(
    api,
    Array.from({ length: 300 }, (_, n) => line(n)),
  )
  store.ingestLogLines(emailer, [line(1_000)])
  await store.flush()
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

function subscribe(input: Parameters<typeof runTail>[0], maxPending = 20_000) {
  const fake = fakeCollector()
  const batches: LogTailBatch[] = []
  const controller = new AbortController()
  const done = runTail(
    input,
    { signal: controller.signal, emit: (batch) => batches.push(batch) },
    {
      collector: fake.collector,
      store,
      docker: () => ({}) as Docker,
      intervalMs: 10,
      maxPending,
    },
  )
  const texts = () => batches.flatMap((b) => b.lines.map((l) => l.text))
  return { ...fake, batches, texts, stop: () => controller.abort(), done }
}

const settle = (ms = 40) => new Promise((resolve) => setTimeout(resolve, ms))

describe('runTail', () => {
  it('sends stored history first, then live lines, without repeating a line', async () => {
    const tail = subscribe({ services: ['api'], history: 100 })
    await settle(5)
    tail.emit(api, [299, 300, 301])
    await settle()
    const historyEnd = tail.batches.findIndex((b) => b.historyDone)
    expect(historyEnd).toBeGreaterThan(0)
    const history = tail.batches.slice(0, historyEnd).flatMap((b) => b.lines.map((l) => l.text))
    expect(history).toEqual(Array.from({ length: 100 }, (_, i) => `line ${200 + i}`))
    expect(tail.texts().slice(100)).toEqual(['line 300', 'line 301'])
    tail.emit(api, [302])
    tail.emit(emailer, [1_001])
    await settle()
    expect(tail.texts().slice(-1)).toEqual(['line 302'])
    tail.stop()
    await tail.done
    expect(tail.listeners.size).toBe(0)
  })

  it('merges several services in time order', async () => {
    const tail = subscribe({ history: 0 })
    await settle(5)
    tail.emit(emailer, [505, 507])
    tail.emit(api, [504, 506])
    await settle()
    expect(tail.texts()).toEqual(['line 504', 'line 505', 'line 506', 'line 507'])
    tail.stop()
    await tail.done
  })

  it('keeps a slow subscriber bounded and counts what it dropped', async () => {
    const tail = subscribe({ history: 0 }, 100)
    await settle(5)
    tail.emit(
      api,
      Array.from({ length: 1_000 }, (_, i) => 2_000 + i),
    )
    await settle()
    const live = tail.batches.filter((b) => b.lines.length > 0 || b.dropped > 0)
    expect(live).toHaveLength(1)
    expect(live[0]!.lines).toHaveLength(100)
    expect(live[0]!.dropped).toBe(900)
    expect(live[0]!.lines[0]!.text).toBe('line 2900')
    tail.stop()
    await tail.done
  })

  it('tails a stack container by name, with its history', async () => {
    const tail = subscribe({ containers: ['stack-emailer-1'], history: 10 })
    await settle()
    expect(tail.texts()).toEqual(['line 1000'])
    tail.stop()
    await tail.done
  })
})
