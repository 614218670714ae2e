// Log-stream throughput: lines/s from a container's log to the renderer side (router subscription,
// each batch serialised as the IPC/WebSocket transports would), beside `docker logs` and
// `docker logs -t` of the same container in the same run.
//   npx tsx bench/docker-logs.ts [--lines 200000] [--rounds 3]
import { spawn } from 'node:child_process'
import { parseArgs } from 'node:util'
import {
  BASE_IMAGE,
  cleanupSuite,
  docker,
  startHarness,
  subscribe,
  testLabels,
  uniqueSuite,
} from '../test/support/docker'

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
  },
})
const LINES = Number(values.lines)
const ROUNDS = Number(values.rounds)
const suite = uniqueSuite('bench-logs')
const labelArgs = Object.entries(testLabels(suite)).flatMap(([k, v]) => ['--label', `${k}=${v}`])

/** Runs the docker CLI with stdout counted and thrown away; resolves with the newline count. */
function dockerLogs(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', ['logs', ...args], { stdio: ['ignore', 'pipe', 'inherit'] })
    let lines = 0
    child.stdout.on('data', (chunk: Buffer) => {
      for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++
    })
    child.on('error', reject)
    child.on('close', () => resolve(lines))
  })
}

async function measure(what: string, work: () => Promise<number>) {
  const rates: number[] = []
  let count = 0
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now()
    count = await work()
    rates.push(count / ((performance.now() - start) / 1000))
  }
  rates.sort((a, b) => a - b)
  return { what, count, median: rates[Math.floor(rates.length / 2)]!, best: rates.at(-1)! }
}

const h = await startHarness()
try {
  // A line like a service log: timestamp-free text of ~60 bytes with a counter.
  const id = await docker(
    'run',
    '-d',
    ...labelArgs,
    BASE_IMAGE,
    'sh',
    '-c',
    `seq 1 ${LINES} | sed 's/^/mail-logger info: delivered message id=/'`,
  )
  await docker('wait', id)

  const viaRouter = async () => {
    let bytes = 0
    const logs = subscribe(h.client, 'containers:logs', { id, tail: 'all', follow: false })
    const batches = await logs.finished
    for (const batch of batches) bytes += JSON.stringify({ type: 'data', data: batch }).length
    const lines = batches.reduce((n, b) => n + b.lines.length, 0)
    const dropped = batches.reduce((n, b) => n + b.dropped, 0)
    if (lines + dropped !== LINES)
      throw new Error(`expected ${LINES} lines, got ${lines} + ${dropped} dropped`)
    if (dropped > 0)
      console.log(
        `  (${dropped} lines dropped in one round, ${batches.length} batches, ${bytes} bytes)`,
      )
    return lines
  }
  const results = [
    await measure('containers:logs -> router -> JSON batches', viaRouter),
    await measure('docker logs', () => dockerLogs([id])),
    await measure('docker logs -t (timestamps, as MailDock asks)', () => dockerLogs(['-t', id])),
  ]
  const width = Math.max(...results.map((r) => r.what.length))
  console.log(
    `${LINES} lines, ${ROUNDS} rounds each\n${'what'.padEnd(width)}  median lines/s   best lines/s`,
  )
  for (const r of results) {
    console.log(
      `${r.what.padEnd(width)}  ${Math.round(r.median).toLocaleString('en').padStart(14)}  ${Math.round(r.best).toLocaleString('en').padStart(13)}`,
    )
  }
  console.log(
    `\nMailDock / docker logs -t = ${(results[0]!.median / results[2]!.median).toFixed(2)}x`,
  )
} finally {
  await cleanupSuite(h.engine.client, suite)
  await h.close()
}
