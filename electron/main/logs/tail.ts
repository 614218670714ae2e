import type Docker from 'dockerode'
import type { z } from 'zod'
import {
  MaildockError,
  type LogEntry,
  type LogQuery,
  type LogTailBatch,
  type TailLine,
  type TailSource,
  type logTailInput,
} from '../../../shared/contract'
import { Batcher } from '../lib/batcher'
import { LABELS } from '../../../shared/labels'
import { streamContainerLogs } from '../docker'
import { containerName, type StackLogCollector } from './collector'
import { tailLine } from './live-lines'
import { rowFromContainerLine, type ContainerRef } from './rows'
import type { LogStoreApi } from './store-api'
import { errorMessage } from '../../../shared/error-message'

export type TailInput = z.output<typeof logTailInput>

export interface TailSink {
  emit(batch: LogTailBatch): void
  signal: AbortSignal
}

export interface TailDeps {
  collector: StackLogCollector
  store: LogStoreApi
  docker: () => Docker
  intervalMs?: number
  /** Lines held per subscriber between two batches; beyond it the oldest are dropped, counted. */
  maxPending?: number
}

const byTime = (a: TailLine, b: TailLine): number => a.ts - b.ts

function fromEntry(entry: LogEntry): TailLine {
  return {
    key: entry.key,
    ts: entry.ts,
    service: entry.service,
    container: entry.container ?? entry.service,
    stream: entry.stream ?? 'stdout',
    level: entry.level,
    text: entry.raw,
  }
}

/** The containers a tail asked for, split into stack ones (shared, stored) and the others. */
async function resolveTargets(input: TailInput, deps: TailDeps) {
  const wanted = input.containers ?? []
  const services = input.services ?? []
  const everyStack = wanted.length === 0 && services.length === 0
  const matches = (ref: ContainerRef): boolean =>
    everyStack ||
    services.includes(ref.service) ||
    wanted.some((w) => ref.name === w || ref.id.startsWith(w))
  const stackNames = new Set(
    deps.collector
      .containers()
      .filter(matches)
      .map((ref) => ref.name),
  )
  const others: ContainerRef[] = []
  for (const want of wanted) {
    if (deps.collector.containers().some((ref) => ref.name === want || ref.id.startsWith(want)))
      continue
    try {
      const info = await deps.docker().getContainer(want).inspect()
      const name = info.Name.replace(/^\//, '')
      const labels = info.Config.Labels ?? {}
      if (labels[LABELS.stack] !== undefined) {
        stackNames.add(name)
        continue
      }
      others.push({ id: info.Id, name, service: name })
    } catch (error) {
      throw new MaildockError('NOT_FOUND', `No container ${want}: ${errorMessage(error)}`)
    }
  }
  return { matches, stackNames, others, everyStack, services }
}

/**
 * One Tail subscription: history first (from the store for stack containers, from the engine for
 * others), then live lines of every matching container merged in time order, batched every
 * ~50 ms. A subscriber that falls behind loses its oldest pending lines, counted in `dropped`.
 */
export async function runTail(input: TailInput, sink: TailSink, deps: TailDeps): Promise<void> {
  const targets = await resolveTargets(input, deps)
  if (sink.signal.aborted) return
  let historyDone = false
  const held: TailLine[] = []
  const batcher = new Batcher<TailLine>({
    intervalMs: deps.intervalMs ?? 50,
    maxPending: deps.maxPending ?? 20_000,
    flush: (lines, dropped) => sink.emit({ lines: lines.sort(byTime), dropped }),
  })
  /** Keys of the history sent: a live line the store already gave is not sent twice. */
  let sent = new Set<string>()
  const push = (lines: TailLine[]): void => {
    if (!historyDone) held.push(...lines)
    else for (const line of lines) if (!sent.has(line.key)) batcher.push(line)
  }

  const unsubscribe = deps.collector.subscribe((ref, lines) => {
    if (targets.matches(ref) || targets.stackNames.has(ref.name)) push(lines)
  })
  const notices: string[] = []
  const streams = targets.others.map((ref) =>
    followOther(ref, input.history, sink.signal, deps, push, notices),
  )

  try {
    // Lines that came before the subscription are in the store once the queue is written.
    await Promise.race([deps.store.flush(), delay(500)])
    const history = await readHistory(deps.store, targets, input.history)
    sent = new Set(history.map((line) => line.key))
    for (let i = 0; i < history.length; i += 2_000) {
      sink.emit({ lines: history.slice(i, i + 2_000), dropped: 0 })
    }
    historyDone = true
    sink.emit({ lines: [], dropped: 0, historyDone: true })
    push(held)
  } catch (error) {
    // The store may be unusable: the live part still works; say why history is missing.
    historyDone = true
    sink.emit({
      lines: [],
      dropped: 0,
      historyDone: true,
      notices: [`No history: ${errorMessage(error)}`],
    })
    push(held)
  }
  held.length = 0

  const report = setInterval(() => {
    if (notices.length > 0) sink.emit({ lines: [], dropped: 0, notices: notices.splice(0) })
  }, 500)
  await new Promise<void>((resolve) => {
    if (sink.signal.aborted) resolve()
    sink.signal.addEventListener('abort', () => resolve(), { once: true })
  })
  clearInterval(report)
  unsubscribe()
  batcher.discard()
  await Promise.allSettled(streams)
}

type Targets = Awaited<ReturnType<typeof resolveTargets>>

/** The newest `count` stored lines of the targets, oldest first. */
async function readHistory(
  store: LogStoreApi,
  targets: Targets,
  count: number,
): Promise<TailLine[]> {
  if (count === 0) return []
  const queries: LogQuery[] = []
  if (targets.everyStack) queries.push({ sources: ['container'] })
  if (targets.services.length > 0)
    queries.push({ sources: ['container'], services: targets.services })
  if (targets.stackNames.size > 0 && !targets.everyStack) {
    queries.push({ sources: ['container'], containers: [...targets.stackNames] })
  }
  const byKey = new Map<string, TailLine>()
  for (const query of queries) {
    for (const entry of (await store.search({ query, limit: count })).entries) {
      byKey.set(entry.key, fromEntry(entry))
    }
  }
  return [...byKey.values()].sort(byTime).slice(-count)
}

async function followOther(
  ref: ContainerRef,
  history: number,
  signal: AbortSignal,
  deps: TailDeps,
  push: (lines: TailLine[]) => void,
  notices: string[],
): Promise<void> {
  try {
    await streamContainerLogs(
      deps.docker(),
      { id: ref.id, tail: history, follow: true, stdout: true, stderr: true },
      {
        signal,
        emit: (batch) => {
          const now = Date.now()
          push(batch.lines.map((line) => tailLine(ref, line, rowFromContainerLine(ref, line, now))))
        },
      },
    )
    if (!signal.aborted) notices.push(`${ref.name} stopped`)
  } catch (error) {
    if (!signal.aborted) notices.push(`${ref.name}: ${errorMessage(error)}`)
  }
}

/** Every container, the stack's first: what the Tail panel can follow. */
export async function listTailSources(docker: Docker): Promise<TailSource[]> {
  const list = await docker.listContainers({ all: true })
  return list
    .map((info) => {
      const name = containerName(info.Names, info.Id)
      const labels = info.Labels ?? {}
      return {
        id: info.Id,
        name,
        service: labels[LABELS.service] ?? name,
        state: info.State,
        stack: labels[LABELS.stack] !== undefined,
      }
    })
    .sort((a, b) => Number(b.stack) - Number(a.stack) || a.name.localeCompare(b.name))
}

const delay = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref())
