// Tail throughput: a stack container printing as fast as it can, through the collector (which
// stores every line, through the store's worker thread as the app does) and a logs:tail
// subscription on the router (batches serialised as the transports would), beside
// `docker logs -f` following the same container at the same time.
//   npx tsx bench/logs-tail.ts [--lines 200000]
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { createClient } from '../shared/contract'
import { countServiceRows } from '../test/support/temp-log-store'
import {
  BASE_IMAGE,
  cleanupSuite,
  docker,
  startHarness,
  testLabels,
  uniqueSuite,
} from '../test/support/docker'
import { StackLogCollector } from '../electron/main/logs/collector'
import { logsHandlers } from '../electron/main/logs/logs-handlers'
import { WorkerLogStore } from '../electron/main/logs/store-client'
import type { ChannelHandlers, EventHandlers } from '../electron/main/lib/handlers'
import { createRouter } from '../electron/main/router'
import { reportFigures } from './figures'
import { describeRssPeak, RssPeakSampler } from './rss-peak'

const { values } = parseArgs({ options: { lines: { type: 'string', default: '200000' } } })
const LINES = Number(values.lines)
const suite = uniqueSuite('bench-tail')
const dir = mkdtempSync(join(tmpdir(), 'maildock-bench-tail-'))
const fmt = (n: number): string => Math.round(n).toLocaleString('en')
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`

/** `docker logs -f` on the running container: lines/s from its first line to line `count`. */
function dockerLogsFollow(id: string, count: number): Promise<{ lines: number; ms: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['logs', '-f', '-t', id], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let lines = 0
    let first = 0
    let last = 0
    child.stdout.on('data', (chunk: Buffer) => {
      first ||= performance.now()
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
      last = performance.now()
      if (lines >= count) child.kill()
    })
    child.on('error', reject)
    child.on('close', () => resolve({ lines, ms: last - first }))
  })
}

const h = await startHarness()
const store = new WorkerLogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
const collector = new StackLogCollector({
  docker: () => h.engine.client,
  onEngineEvent: (listener) => h.engine.onEvent(listener),
  onEngineConnected: () => () => undefined,
  store,
  stackName: () => Promise.resolve(suite),
})
try {
  collector.start()
  const api = logsHandlers({ store, collector, docker: () => h.engine.client })
  const router = createRouter({
    channels: api.channels as unknown as ChannelHandlers,
    events: api.events as unknown as EventHandlers,
    isTrustedSender: () => true,
  })
  const ctx = { sender: { url: 'bench://', isMainFrame: true } }
  const client = createClient({
    call: (channel, input) => router.call(channel, input, ctx),
    subscribe: (event, input, onMessage) => router.subscribe(event, input, ctx, onMessage),
  })

  let received = 0
  let dropped = 0
  let bytes = 0
  let batches = 0
  let first = 0
  let last = 0
  let historyDone = false
  const stop = client.subscribe(
    'logs:tail',
    { services: ['burst'], history: 0 },
    {
      data: (batch) => {
        // What IPC or the WebSocket would carry.
        bytes += JSON.stringify({ type: 'data', data: batch }).length
        if (batch.historyDone) historyDone = true
        if (batch.lines.length === 0 && batch.dropped === 0) return
        first ||= performance.now()
        last = performance.now()
        batches += 1
        received += batch.lines.length
        dropped += batch.dropped
      },
    },
  )
  while (!historyDone) await new Promise((resolve) => setTimeout(resolve, 20))

  const sampler = new RssPeakSampler(() => store.heap())
  const labels = { ...testLabels(suite), 'maildock.stack': suite, 'maildock.service': 'burst' }
  const started = performance.now()
  const id = await docker(
    'run',
    '-d',
    ...Object.entries(labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
    BASE_IMAGE,
    'sh',
    '-c',
    // A moment before the burst so `docker logs -f` is following when it starts.
    `sleep 2; seq 1 ${LINES} | sed 's/^/mail-logger info: delivered message id=/'; sleep 30`,
  )
  const following = dockerLogsFollow(id, LINES)
  const deadline = Date.now() + 300_000
  while (received + dropped < LINES && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const tailMs = last - first
  await store.flush()
  while ((await store.status()).ingest.queued > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  const storedMs = performance.now() - started
  const stored = await countServiceRows(store, 'burst')
  const peak = await sampler.stop()
  stop()

  const baseline = await following
  console.log(`${fmt(LINES)} lines printed as fast as the container can`)
  console.log(
    `tail subscriber (router, JSON batches)  ${fmt(received / (tailMs / 1000)).padStart(10)} lines/s  (${fmt(received)} received, ${fmt(dropped)} dropped, ${batches} batches, ${mb(bytes)} serialised)`,
  )
  console.log(
    `stored (collector -> writer -> SQLite)  ${fmt(stored / (storedMs / 1000)).padStart(10)} lines/s  (${fmt(stored)} rows, start to last commit)`,
  )
  console.log(
    `docker logs -f (same container, same time) ${fmt(baseline.lines / (baseline.ms / 1000)).padStart(10)} lines/s`,
  )
  const tailRate = received / (tailMs / 1000)
  const followRate = baseline.lines / (baseline.ms / 1000)
  console.log(`tail / docker logs -f = ${(tailRate / followRate).toFixed(2)}x`)
  const peakParts = describeRssPeak(peak)
  const rssMb = peak.rss / 1024 / 1024
  console.log(`main process RSS: ${mb(peak.before)} before, ${mb(peak.rss)} peak during the burst`)
  console.log(`  ${peakParts}`)
  const method = `${fmt(LINES)} lines printed by seq|sed in a running stack-labelled container (far above 50k lines/s); the collector stores them and a logs:tail subscription on the router receives them (batches serialised as the transports would)`
  reportFigures('logs-tail', [
    {
      goal: 6,
      name: 'live tail lines/s reaching a subscriber',
      value: tailRate,
      unit: 'lines/s',
      baseline: {
        name: '`docker logs -f` on the same container, at the same time',
        value: followRate,
      },
      target: '>= 0.8x baseline',
      holds: tailRate / followRate >= 0.8,
      method: `${method}; each rate from its first to its last line`,
    },
    {
      goal: 6,
      name: 'lines lost for a stack container (stored)',
      value: LINES - stored,
      unit: 'lines',
      target: '0',
      holds: stored === LINES,
      method: `rows in the store for the container after the burst (${fmt(stored)} of ${fmt(LINES)}; ${fmt(dropped)} dropped from the live view only)`,
    },
    {
      goal: 7,
      name: 'core RSS peak during the tail burst',
      value: rssMb,
      unit: 'MB',
      target: '<= 300 MB',
      holds: rssMb <= 300,
      method: `RSS of this process (the same core as the browser-mode server, run as it runs (electron/main/server/launch.json): collector, router, and the log store in its worker thread, whose heap and SQLite cache count here too) sampled every 50 ms; ${mb(peak.before)} before the burst${rssMb <= 300 ? `; ${peakParts}` : ''}`,
      ...(rssMb <= 300 ? {} : { bound: peakParts }),
    },
  ])
} finally {
  collector.stop()
  await store.close()
  await cleanupSuite(h.engine.client, suite)
  await h.close()
  rmSync(dir, { recursive: true, force: true })
}
