// Footprint of the app's main process (issue #12, goal 7), measured on the browser-mode server,
// which runs the same core as the desktop app: its RSS while idle with the mail stack up, a page
// open and the log store holding --rows rows, beside the same server idle with an empty data
// folder and no stack, in the same run. The tail-burst peak is measured by bench/logs-tail.ts.
//   npx tsx bench/footprint.ts [--rows 1000000] [--seconds 20] [--quick]
// Needs the built app (`npm run build`) and Debian's Chromium.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import type { LogRow } from '../electron/main/logs/rows'
import { lineRow } from './line-rows'
import { LogStore } from '../electron/main/logs/store'
import { launchBrowser, openPage, startApp, type RunningApp } from '../test/e2e/harness'
import { managementUrlOf } from '../test/support/mail-stack'
import serverLaunch from '../electron/main/server/launch.json'
import { benchStack } from './bench-stack'
import { reportFigures } from './figures'

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    seconds: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows ?? (values.quick ? 100_000 : 1_000_000))
const SECONDS = Number(values.seconds ?? (values.quick ? 3 : 20))
const SETTLE_MS = values.quick ? 3_000 : 15_000
const START = Date.now() - 7 * 86_400_000
const dir = mkdtempSync(join(tmpdir(), 'maildock-bench-footprint-'))
const LAUNCH = [
  ...serverLaunch.nodeFlags,
  ...Object.entries(serverLaunch.env).map(([name, value]) => `${name}=${value}`),
].join(' ')
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`

const row = (i: number): LogRow => lineRow(i, START, 500)

/** Fills the data folder's log store through the store's own writer, as the app does. */
async function fillStore(dataDir: string, count: number): Promise<void> {
  const store = new LogStore({ path: join(dataDir, 'logs.db'), retentionDelayMs: 0 })
  for (let i = 0; i < count; i += 10_000) {
    store.writer.addLineRows(
      Array.from({ length: Math.min(10_000, count - i) }, (_, j) => row(i + j)),
    )
    if (i % 100_000 === 0) await store.flush()
  }
  await store.flush()
  await store.close()
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1]
  return Number(kb) * 1024
}

/** After SETTLE_MS, samples the server's RSS every 200 ms for SECONDS: median and max. */
async function idleRss(app: RunningApp): Promise<{ median: number; max: number }> {
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
  const pid = app.process.pid
  if (pid === undefined) throw new Error('the server has no pid')
  const samples: number[] = []
  const until = Date.now() + SECONDS * 1000
  while (Date.now() < until) {
    samples.push(rssOf(pid))
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  samples.sort((a, b) => a - b)
  return { median: samples[Math.floor(samples.length / 2)] ?? 0, max: samples.at(-1) ?? 0 }
}

async function withPage<T>(app: RunningApp, work: () => Promise<T>): Promise<T> {
  const browser = await launchBrowser()
  try {
    await openPage(browser, app.url)
    return await work()
  } finally {
    await browser.close()
  }
}

async function measureEmpty() {
  const app = await startApp({ MAILDOCK_DATA_DIR: mkdtempSync(join(dir, 'empty-')) })
  try {
    return await withPage(app, () => idleRss(app))
  } finally {
    await app.stop()
  }
}

async function measureLoaded() {
  const dataDir = mkdtempSync(join(dir, 'loaded-'))
  const filling = performance.now()
  await fillStore(dataDir, ROWS)
  console.log(
    `store: ${ROWS.toLocaleString('en')} rows written in ${((performance.now() - filling) / 1000).toFixed(0)} s`,
  )
  const { stack, release } = await benchStack()
  try {
    const app = await startApp({
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_API_URL: stack.apiUrl,
      MAILDOCK_AMQP_URL: stack.amqpUrl,
      MAILDOCK_BROKER_MANAGEMENT_URL: await managementUrlOf(stack),
      MAILDOCK_CATCHER_URL: stack.catcher.baseUrl,
    })
    try {
      return await withPage(app, () => idleRss(app))
    } finally {
      await app.stop()
    }
  } finally {
    await release()
  }
}

try {
  const empty = await measureEmpty()
  const loaded = await measureLoaded()
  console.log(
    `server RSS idle, empty data folder, no stack: median ${mb(empty.median)}, max ${mb(empty.max)}`,
  )
  console.log(
    `server RSS idle, stack up, ${ROWS.toLocaleString('en')} rows: median ${mb(loaded.median)}, max ${mb(loaded.max)}`,
  )
  const maxMb = loaded.max / 1024 / 1024
  reportFigures('footprint', [
    {
      goal: 7,
      name: `server RSS idle (stack up, ${ROWS.toLocaleString('en')} rows stored, a page open)`,
      value: maxMb,
      unit: 'MB',
      baseline: {
        name: 'the same server idle, empty data folder, no stack',
        value: empty.max / 1024 / 1024,
      },
      target: '<= 150 MB',
      holds: maxMb <= 150,
      method: `the built browser-mode server (out/main/server.js, the desktop app's core, started as \`npm run serve\` starts it: ${LAUNCH}) pointed at a real mail stack, one Chromium page open; RSS from /proc every 200 ms for ${SECONDS} s after ${SETTLE_MS / 1000} s of settling; the highest sample (median ${mb(loaded.median)})`,
    },
  ])
} finally {
  rmSync(dir, { recursive: true, force: true })
}
