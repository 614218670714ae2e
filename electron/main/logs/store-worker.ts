// The log store's own thread: a real LogStore answering the main thread's WorkerLogStore, so
// SQLite (writes, searches, histograms, exports) never holds the main event loop.
import { getHeapStatistics } from 'node:v8'
import { parentPort, workerData, type TransferListItem } from 'node:worker_threads'
import type { SendLedger } from '../mail'
import { errorMessage } from '../../../shared/error-message'
import { IdleIndexMerge } from './index-merge'
import { builtLines, rowsFromContainerLines, type LogRow } from './rows'
import { StoreSendLedger } from './sends'
import { LogStore } from './store'
import {
  carryError,
  type FromWorker,
  type LinesMessage,
  unpackLines,
  type StoreOp,
  type ToWorker,
  type WorkerHeap,
  type WorkerStoreOptions,
} from './store-protocol'

const port = parentPort
if (!port) throw new Error('store-worker runs as a worker thread only')
const send = (message: FromWorker, transfer?: readonly TransferListItem[]): void =>
  port.postMessage(message, transfer)

const store = new LogStore({
  ...(workerData as WorkerStoreOptions),
  log: (message, error) =>
    send(
      error === undefined
        ? { kind: 'log', message }
        : { kind: 'log', message, error: errorMessage(error) },
    ),
  onUpgrade: (upgrade) => send({ kind: 'upgrade', upgrade }),
})
const ledger = new StoreSendLedger(() => store.reader())
const indexMerge = new IdleIndexMerge({
  database: () => {
    try {
      return store.reader()
    } catch {
      return undefined
    }
  },
  busy: () => store.writer.queued > 0,
  log: (message, error) => send({ kind: 'log', message, error: errorMessage(error) }),
})
/** Asked often and cheap: they do not keep the full-text index from being merged. */
const QUIET_OPS: ReadonlySet<StoreOp> = new Set(['status', 'heap'])

/** Line batches not yet committed: each with the count of rows processed once it is. */
const pending: { seq: number; mark: number }[] = []
let watch: NodeJS.Timeout | undefined

function processed(): number {
  const { written, duplicates, failedRows } = store.writer.stats
  return written + duplicates + failedRows
}

/** Tells the main thread which line batches are committed; it forgets them then. */
function reportCommitted(): void {
  const done = processed()
  let last: number | undefined
  while (pending.length > 0 && (pending[0]?.mark ?? Infinity) <= done) last = pending.shift()?.seq
  if (last !== undefined) send({ kind: 'committed', seq: last })
  if (pending.length === 0) {
    clearInterval(watch)
    watch = undefined
  }
}

/** Makes a batch's rows here, off the main loop; tells what the Tail needs of them first. */
function takeLines({ seq, container, lines, now, build }: LinesMessage): void {
  let rows: LogRow[] = []
  try {
    rows = rowsFromContainerLines(container, unpackLines(lines), now)
  } catch (error) {
    // Not stored, and reported: sending it again would stop this thread once more.
    send({
      kind: 'log',
      message: `log store: a batch of lines could not be read`,
      error: errorMessage(error),
    })
  }
  if (build) {
    const built = builtLines(rows)
    send({ kind: 'built', seq, ...built }, [
      built.ts.buffer,
      built.keys.buffer,
      built.levels.buffer,
    ])
  }
  // The writer works in order: the batch is committed once all rows queued so far are processed.
  store.ingestRows(rows)
  pending.push({ seq, mark: processed() + store.writer.queued })
  watch ??= setInterval(reportCommitted, 5)
}

type Handler = (...args: never[]) => unknown

const handlers: Record<StoreOp, Handler> = {
  ingestMail: (mail: Parameters<LogStore['ingestMail']>[0]) => store.ingestMail(mail),
  flush: async () => {
    await store.flush()
    reportCommitted()
  },
  search: (input: Parameters<LogStore['search']>[0]) => store.search(input),
  get: (input: Parameters<LogStore['get']>[0]) => store.get(input),
  exportChunk: (input: Parameters<LogStore['exportChunk']>[0]) => store.exportChunk(input),
  histogram: (input: Parameters<LogStore['histogram']>[0]) => store.histogram(input),
  lastLineTs: (container: string) => store.lastLineTs(container),
  recentMailMessages: (limit?: number) => store.recentMailMessages(limit),
  status: () => store.status(),
  reset: () => store.reset(),
  setRetention: (retention: Parameters<LogStore['setRetention']>[0]) =>
    store.setRetention(retention),
  runRetention: () => store.runRetention(),
  ledger: (method: keyof SendLedger, ...args: unknown[]) =>
    (ledger[method] as (...a: unknown[]) => unknown)(...args),
  heap: (): WorkerHeap => {
    const {
      total_heap_size: total,
      used_heap_size: used,
      heap_size_limit: limit,
    } = getHeapStatistics()
    return { total, used, limit }
  },
  close: async () => {
    indexMerge.close()
    await store.close()
    reportCommitted()
    clearInterval(watch)
  },
}

port.on('message', (message: ToWorker) => {
  if (message.kind === 'lines') {
    indexMerge.noteActivity()
    takeLines(message)
    return
  }
  const { id, op, args } = message
  if (!QUIET_OPS.has(op)) indexMerge.noteActivity()
  void (async () => {
    try {
      const value = await (handlers[op] as (...a: unknown[]) => unknown)(...args)
      send({ kind: 'result', id, ok: true, value })
    } catch (error) {
      send({ kind: 'result', id, ok: false, error: carryError(error) })
    }
  })()
})
