// The app's CSV bulk send on the real mail stack (issue #12, goal 2), beside a plain HTTP client
// driving the same batch endpoint with the same emails in the same run.
//   npx tsx bench/mail-bulk.ts [--rows 10000] [--batch 500] [--concurrency 2] [--quick]
// Prints: the plain client's rows/s accepted; the app's (CSV parse, validation, templates, batch
// requests through the app's own mail services) rows/s accepted; how often the app looked up the
// stack's endpoints; and how long until the app's subscription shows every email as sent.
import { parseArgs } from 'node:util'
import type { BulkSendProgress } from '../shared/contract'
import { keepAliveClient } from '../resources/stack/test/api-client'
import { waitFor } from '../resources/stack/test/docker-helpers'
import { waitForDelivery } from '../resources/stack/test/expectations'
import { endpointsOf, startApp, tempDataDir } from '../test/support/mail-stack'
import { benchStack } from './bench-stack'
import { median, ratio, reportFigures } from './figures'
import { cpuText, cpuUse, stackCpuSeconds } from './stack-cpu'

const { values } = parseArgs({
  options: {
    rows: { type: 'string' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '2' },
    quick: { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows ?? (values.quick ? 2000 : 10000))
const BATCH = Number(values.batch)
const CONCURRENCY = Number(values.concurrency)
const run = Date.now().toString(36)
const ctx = { sender: { url: 'app://maildock/', isMainFrame: true } }

interface Batch {
  emails: Array<{ to: string; subject: string; text: string; idempotencyKey: string }>
}

const { stack, release } = await benchStack()
const endpoints = await endpointsOf(stack)
let lookups = 0
const counted = () => {
  lookups += 1
  return endpoints()
}
const data = tempDataDir()
const app = startApp(counted, data.dir)
try {
  await waitFor(
    'the app connected',
    () => (app.manager.state.subscription.consuming ? true : undefined),
    60_000,
  )
  const caughtBefore = await stack.catcher.total()
  const baseCpu = await cpuDuring(() => plainClient(`base-${run}`))
  const { seconds: baseSeconds, latencies } = baseCpu.result
  const bulkCpu = await cpuDuring(appBulkSend)
  const { seconds: bulkSeconds, ids, lookupsDuringSend, progress } = bulkCpu.result
  // The catcher's count first: listing every message each poll would take the catcher's CPU
  // from the delivery it waits for.
  await waitFor(
    'both sends at the catcher',
    async () =>
      (await stack.catcher.total()) >= caughtBefore + ROWS + ids.length ? true : undefined,
    600_000,
    250,
  )
  const delivered = await waitForDelivery(() => stack.catcher, ids, 600_000, 0)
  const wanted = new Set(ids)
  const trackedStart = performance.now()
  await waitFor(
    'every bulk email tracked as sent',
    () =>
      app.tracker.recent({ status: 'sent', limit: 50_000 }).emails.filter((e) => wanted.has(e.id))
        .length === ids.length
        ? true
        : undefined,
    300_000,
    100,
  )
  const trackedAfter = (performance.now() - trackedStart) / 1000

  const baseRate = ROWS / baseSeconds
  const bulkRate = progress.accepted / bulkSeconds
  console.log(`rows ${ROWS}, ${BATCH} per request, ${CONCURRENCY} requests in flight`)
  console.log(
    `plain client POST /emails/batch: ${baseSeconds.toFixed(2)} s, ${baseRate.toFixed(0)} rows/s`,
  )
  console.log(
    `app bulk send: ${bulkSeconds.toFixed(2)} s, ${bulkRate.toFixed(0)} rows/s (${ratio(bulkRate, baseRate).toFixed(2)}x); ${progress.invalid} invalid, ${progress.failed} failed; endpoints looked up ${lookupsDuringSend}x`,
  )
  console.log(`plain client: ${waitText(latencies, baseCpu.apiMsPerBatch)}`)
  console.log(`CPU during the plain client's send: ${baseCpu.text}`)
  console.log(`CPU during the app's send: ${bulkCpu.text}`)
  console.log(
    `delivered ${delivered.counts.size}/${ids.length} (missing ${delivered.missing.length}, duplicated ${delivered.duplicated.length}); all shown as sent ${trackedAfter.toFixed(2)} s after the last delivery was seen`,
  )
  const method = `${ROWS}-row CSV (email,name,code) with a two-variable template, sent by the app's mail services (the handler behind mail:bulk-start) to the stack the integration tests use; rows/s = accepted rows / time from start to the last row's result`
  reportFigures('mail-bulk', [
    {
      goal: 2,
      name: `app bulk send (${ROWS.toLocaleString('en')}-row CSV) accepted`,
      value: bulkRate,
      unit: 'rows/s',
      baseline: { name: 'plain node:http client, same batches and emails', value: baseRate },
      target: '>= 1000 rows/s and >= 0.8x baseline',
      holds: bulkRate >= 1000 && ratio(bulkRate, baseRate) >= 0.8,
      method: `${method}; baseline: the same ${ROWS} emails in requests of ${BATCH}, ${CONCURRENCY} in flight`,
      ...(bulkRate >= 1000
        ? {}
        : {
            bound: `the plain client itself reaches ${baseRate.toFixed(0)} rows/s (${waitText(latencies, baseCpu.apiMsPerBatch)}). CPU during the app's send: ${bulkCpu.text}`,
          }),
    },
    {
      goal: 2,
      name: 'endpoint look-ups during one bulk send',
      value: lookupsDuringSend,
      unit: 'look-ups',
      target: '1 per send',
      holds: lookupsDuringSend === 1,
      method: 'calls to the endpoints source while the send ran',
    },
  ])
} finally {
  await app.stop()
  await release()
  data.remove()
}

/**
 * CPU used while `send` runs, per container and by this process (the app: its bulk sender, its
 * subscription and its log store's worker thread; or the plain client), per accepted row.
 */
async function cpuDuring<T extends { seconds: number }>(send: () => Promise<T>) {
  const before = await stackCpuSeconds(stack)
  const own = process.cpuUsage()
  const result = await send()
  const used = process.cpuUsage(own)
  const after = await stackCpuSeconds(stack)
  before.set('this process (app or client)', 0)
  after.set('this process (app or client)', (used.user + used.system) / 1e6)
  const use = cpuUse(before, after, result.seconds, ROWS)
  const apiMs = use.find((item) => item.role === 'api')?.msPerEmail ?? Number.NaN
  return { result, text: cpuText(use), apiMsPerBatch: apiMs * BATCH }
}

/** How long a batch request took against the CPU the API spent on it; the rest is waiting. */
function waitText(latencies: number[], apiMsPerBatch: number): string {
  const answered = median(latencies)
  const waiting = Math.max(0, 1 - apiMsPerBatch / answered)
  return `each ${BATCH}-email request answered in ${answered.toFixed(0)} ms (median) for ${apiMsPerBatch.toFixed(0)} ms of the API's CPU: ${(waiting * 100).toFixed(0)}% of that time the API was not running (waiting for the broker's confirms, or for a core)`
}

async function plainClient(prefix: string): Promise<{ seconds: number; latencies: number[] }> {
  const client = keepAliveClient(stack.apiUrl, CONCURRENCY)
  const batches: Batch[] = []
  for (let i = 0; i < ROWS; i += BATCH) {
    batches.push({
      emails: Array.from({ length: Math.min(BATCH, ROWS - i) }, (_, j) => ({
        to: `base${i + j}@example.org`,
        subject: `Base ${run} User ${i + j}`,
        text: `Code ${i + j}`,
        idempotencyKey: `${prefix}-${i + j}`,
      })),
    })
  }
  let next = 0
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const sent = performance.now()
        const response = await client.send('POST', '/emails/batch', batches[next++])
        if (response.status !== 200) throw new Error(`baseline batch ${response.status}`)
        latencies.push(performance.now() - sent)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  client.close()
  return { seconds, latencies }
}

async function appBulkSend() {
  const csv = [
    'email,name,code',
    ...Array.from({ length: ROWS }, (_, i) => `bulk${i}@example.org,User ${i},${i}`),
  ].join('\n')
  const before = lookups
  const started = performance.now()
  const begun = await app.channels['mail:bulk-start'](
    {
      csv,
      mapping: { to: 'email' },
      template: { subject: `Bulk ${run} {{name}}`, text: 'Code {{code}}' },
    },
    ctx,
  )
  const progress = await new Promise<BulkSendProgress>((resolve) => {
    const controller = new AbortController()
    void app.events['mail:bulk-progress'](
      { batchId: begun.batchId },
      {
        signal: controller.signal,
        emit: (update: BulkSendProgress) => {
          if (update.state !== 'running') resolve(update)
        },
      },
      ctx,
    )
  })
  const seconds = (performance.now() - started) / 1000
  const result = await app.channels['mail:bulk-result']({ batchId: begun.batchId }, ctx)
  const ids = result.rows.flatMap((row) => (row.emailId === undefined ? [] : [row.emailId]))
  return { seconds, ids, progress, lookupsDuringSend: lookups - before }
}
