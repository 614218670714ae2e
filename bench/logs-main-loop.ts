// The main event loop while the log store works (issue #12, goal 3): a 50k lines/s ingest, a
// full-text search, a histogram and an export running at once, with perf_hooks'
// monitorEventLoopDelay watching the loop every panel's IPC shares. The store here is today's
// design (better-sqlite3 on the main thread); idle delay in the same run is the baseline.
//   npx tsx bench/logs-main-loop.ts [--rows 1000000] [--seconds 10] [--quick]
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { logExportInput, logHistogramInput, logSearchInput } from '../shared/contract'
import { rowFromContainerLine, type LogRow } from '../electron/main/logs/rows'
import { LogStore } from '../electron/main/logs/store'
import { reportFigures } from './figures'

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    seconds: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows ?? (values.quick ? 200_000 : 1_000_000))
const SECONDS = Number(values.seconds ?? (values.quick ? 5 : 10))
const RATE = 50_000
const dir = mkdtempSync(join(tmpdir(), 'maildock-bench-loop-'))
const SERVICES = ['api', 'emailer', 'logger', 'broker']
const START = Date.now() - 86_400_000

function row(i: number): LogRow {
  const service = SERVICES[i % SERVICES.length]!
  return rowFromContainerLine(
    { id: `c-${service}`, name: `stack-${service}-1`, service },
    {
      stream: 'stdout',
      time: new Date(START + i * 10).toISOString(),
      text: `INFO delivered message id=msg-${i} to reader${i % 1000}@example.com via relay${i % 7}`,
    },
  )
}

async function fill(store: LogStore, count: number): Promise<void> {
  for (let i = 0; i < count; i += 10_000) {
    store.writer.addLineRows(
      Array.from({ length: Math.min(10_000, count - i) }, (_, j) => row(i + j)),
    )
    if (i % 100_000 === 0) await store.flush()
  }
  await store.flush()
}

/** Event-loop delay p99 and max (ms) over `seconds`, while `work` runs. */
async function loopDelay(seconds: number, work: (until: number) => Promise<void>) {
  const histogram = monitorEventLoopDelay({ resolution: 5 })
  histogram.enable()
  const until = Date.now() + seconds * 1000
  await work(until)
  histogram.disable()
  return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10))

const store = new LogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
try {
  await fill(store, ROWS)
  const idle = await loopDelay(SECONDS, async (until) => {
    while (Date.now() < until) await tick()
  })
  let next = ROWS
  let searches = 0
  let exported = 0
  const busy = await loopDelay(SECONDS, async (until) => {
    const ingest = async () => {
      while (Date.now() < until) {
        store.writer.addLineRows(Array.from({ length: RATE / 100 }, () => row(next++)))
        await tick()
      }
    }
    const queries = async () => {
      let cursor: string | undefined
      while (Date.now() < until) {
        store.search(logSearchInput.parse({ query: { text: 'delivered' }, limit: 100 }))
        store.histogram(logHistogramInput.parse({ query: { text: `relay${searches % 7}` } }))
        const chunk = store.exportChunk(
          logExportInput.parse({ query: {}, maxBytes: 256 * 1024, ...(cursor ? { cursor } : {}) }),
        )
        exported += chunk.rows
        cursor = chunk.nextCursor ?? undefined
        searches += 1
        await tick()
      }
    }
    await Promise.all([ingest(), queries()])
  })
  const ingested = next - ROWS
  console.log(`store of ${ROWS.toLocaleString('en')} rows; ${SECONDS} s each`)
  console.log(
    `idle main loop delay      p99 ${idle.p99.toFixed(1)} ms, max ${idle.max.toFixed(1)} ms`,
  )
  console.log(
    `under load main loop delay p99 ${busy.p99.toFixed(1)} ms, max ${busy.max.toFixed(1)} ms (${ingested.toLocaleString('en')} lines offered, ${searches} search+histogram+export rounds, ${exported.toLocaleString('en')} rows exported)`,
  )
  reportFigures('logs-main-loop', [
    {
      goal: 3,
      name: 'main event loop delay p99 under ingest + search + histogram + export (store on the main thread)',
      value: busy.p99,
      unit: 'ms',
      baseline: { name: 'the same loop idle, same run', value: idle.p99 },
      target: '<= 20 ms',
      holds: busy.p99 <= 20,
      method: `perf_hooks monitorEventLoopDelay (5 ms resolution) over ${SECONDS} s: 50k lines/s offered to the writer in 10 ms slices, and in a loop a common-word search, a full-text histogram and a 256 KB export chunk, on a ${ROWS.toLocaleString('en')}-row store filled by the writer; max ${busy.max.toFixed(0)} ms`,
      ...(busy.p99 <= 20
        ? {}
        : {
            bound: `the store's SQLite work runs on this loop (today's design); the worker-thread store is not built, so every query and write batch blocks it (max ${busy.max.toFixed(0)} ms)`,
          }),
    },
  ])
} finally {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
}
