// The app's CSV bulk send on the real mail stack (issue #12, goal 2), beside a plain HTTP client
// driving the same batch endpoint with the same emails in the same run.
//   npx tsx bench/mail-bulk.ts [--rows 10000] [--rounds 3] [--quick]
// Both send with the app's batch size and requests in flight (BULK_BATCH_SIZE, BULK_IN_FLIGHT),
// round after round in alternating order, each on a quiet stack (every earlier email delivered),
// so neither pays for the other's deliveries. Prints each round's rows/s accepted and ratio; the
// figure is the median over the rounds. Also: how often the app looked up the stack's endpoints,
// and how long until the app's subscription shows every email as sent.
import { parseArgs } from 'node:util'
import type { BulkSendProgress } from '../shared/contract'
import { BULK_BATCH_SIZE, BULK_IN_FLIGHT } from '../electron/main/mail'
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
    rounds: { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows ?? (values.quick ? 2000 : 10000))
const ROUNDS = Number(values.rounds ?? (values.quick ? 2 : 3))
const BATCH = BULK_BATCH_SIZE
const CONCURRENCY = BULK_IN_FLIGHT
const run = Date.now().toString(36)
const ctx = { sender: { url: 'app://maildock/', isMainFrame: true } }
const subject = (name: string | number) => `Bulk ${run} User ${name}`

type Email = Record<string, unknown> & { idempotencyKey: string }

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
  let sent = 0
  /** Every email sent so far at the catcher: the stack has nothing left to deliver. */
  const quiet = () =>
    waitFor(
      'every earlier email at the catcher',
      async () => ((await stack.catcher.total()) >= caughtBefore + sent ? true : undefined),
      600_000,
      100,
    )
  // Warm-up, not counted: the first requests of a fresh stack (and a fresh app) are slower.
  const warm = BATCH * CONCURRENCY
  await plainClient(`warm-${run}`, warm)
  await appBulkSend(`warm-bulk-${run}`, warm)
  sent += 2 * warm
  const rounds: Round[] = []
  for (let round = 0; round < ROUNDS; round += 1) {
    const result: Partial<Round> = {}
    const order = round % 2 === 0 ? (['client', 'app'] as const) : (['app', 'client'] as const)
    for (const who of order) {
      await quiet()
      if (who === 'client')
        result.client = await cpuDuring(() => plainClient(`base-${run}-${round}`))
      else result.app = await cpuDuring(() => appBulkSend(`bulk-${run}-${round}`))
      sent += ROWS
    }
    rounds.push(result as Round)
    const { client, app: bulk } = result as Round
    const appRate = bulk.result.progress.accepted / bulk.result.seconds
    const clientRate = ROWS / client.result.seconds
    console.log(
      `round ${round + 1} (${order.join(' then ')}): plain client ${clientRate.toFixed(0)} rows/s, app ${appRate.toFixed(0)} rows/s (${ratio(appRate, clientRate).toFixed(2)}x); app: ${bulk.result.progress.invalid} invalid, ${bulk.result.progress.failed} failed, endpoints looked up ${bulk.result.lookupsDuringSend}x`,
    )
  }
  await quiet()
  const ids = rounds.flatMap((round) => round.app.result.ids)
  const delivered = await waitForDelivery(() => stack.catcher, ids, 600_000, 0)
  const wanted = new Set(ids)
  const trackedStart = performance.now()
  await waitFor(
    'every bulk email tracked as sent',
    () =>
      app.tracker.recent({ status: 'sent', limit: 100_000 }).emails.filter((e) => wanted.has(e.id))
        .length === ids.length
        ? true
        : undefined,
    300_000,
    100,
  )
  const trackedAfter = (performance.now() - trackedStart) / 1000
  console.log(
    `delivered ${delivered.counts.size}/${ids.length} (missing ${delivered.missing.length}, duplicated ${delivered.duplicated.length}); all shown as sent ${trackedAfter.toFixed(2)} s after the last delivery was seen`,
  )
  report(rounds)
} finally {
  await app.stop()
  await release()
  data.remove()
}

interface Round {
  client: Awaited<ReturnType<typeof cpuDuring<Awaited<ReturnType<typeof plainClient>>>>>
  app: Awaited<ReturnType<typeof cpuDuring<Awaited<ReturnType<typeof appBulkSend>>>>>
}

function report(rounds: Round[]): void {
  const appRates = rounds.map((r) => r.app.result.progress.accepted / r.app.result.seconds)
  const clientRates = rounds.map((r) => ROWS / r.client.result.seconds)
  const ratios = rounds.map((_, i) => ratio(appRates[i]!, clientRates[i]!))
  const appRate = median(appRates)
  const clientRate = median(clientRates)
  const last = rounds.at(-1)!
  const latencies = rounds.flatMap((r) => r.client.result.latencies)
  const lookupsDuringSend = Math.max(...rounds.map((r) => r.app.result.lookupsDuringSend))
  console.log(
    `rows ${ROWS}, ${BATCH} per request, ${CONCURRENCY} requests in flight (the app's defaults)`,
  )
  console.log(
    `median over ${rounds.length} rounds: plain client ${clientRate.toFixed(0)} rows/s, app ${appRate.toFixed(0)} rows/s; ratios ${ratios.map((r) => r.toFixed(2)).join(', ')} (median of each: ${ratio(appRate, clientRate).toFixed(2)}x)`,
  )
  console.log(`plain client: ${waitText(latencies, last.client.apiMsPerBatch)}`)
  console.log(`CPU during the plain client's last send: ${last.client.text}`)
  console.log(`CPU during the app's last send: ${last.app.text}`)
  const method = `${ROWS}-row CSV (email,name,code) with a two-variable template, sent by the app's mail services (the handler behind mail:bulk-start) to the stack the integration tests use; rows/s = accepted rows / time from start to the last row's result; baseline: the same ${ROWS} emails (same JSON) from a plain node:http client, both in requests of ${BATCH}, ${CONCURRENCY} in flight (the app's defaults); ${rounds.length} rounds in alternating order, each send on a quiet stack (every earlier email delivered); the figure is the median of each side's rates; the rounds' ratios were ${ratios.map((r) => r.toFixed(2)).join(', ')}`
  reportFigures('mail-bulk', [
    {
      goal: 2,
      name: `app bulk send (${ROWS.toLocaleString('en')}-row CSV) accepted`,
      value: appRate,
      unit: 'rows/s',
      baseline: { name: 'plain node:http client, same batches and emails', value: clientRate },
      target: '>= 1000 rows/s and >= 0.8x baseline',
      holds: appRate >= 1000 && ratio(appRate, clientRate) >= 0.8,
      method,
      ...(appRate >= 1000
        ? {}
        : {
            bound: `the plain client itself reaches ${clientRate.toFixed(0)} rows/s (${waitText(latencies, last.client.apiMsPerBatch)}). CPU during the app's last send: ${last.app.text}`,
          }),
    },
    {
      goal: 2,
      name: 'endpoint look-ups during one bulk send',
      value: lookupsDuringSend,
      unit: 'look-ups',
      target: '1 per send',
      holds: lookupsDuringSend === 1,
      method: 'calls to the endpoints source while a send ran (the most of any round)',
    },
  ])
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

/** The emails the app makes of the CSV's rows for a send of this name (same JSON). */
function emailsOf(name: string, rows: number): Email[] {
  return Array.from({ length: rows }, (_, i) => ({
    to: [`bulk${i}@example.org`],
    cc: [],
    bcc: [],
    subject: subject(i),
    text: `Code ${i}`,
    tags: [name],
    idempotencyKey: `${name}-r${i + 2}`,
  }))
}

async function plainClient(
  name: string,
  rows = ROWS,
): Promise<{ seconds: number; latencies: number[] }> {
  const client = keepAliveClient(stack.apiUrl, CONCURRENCY)
  const emails = emailsOf(name, rows)
  const batches: Array<{ emails: Email[] }> = []
  for (let i = 0; i < rows; i += BATCH) batches.push({ emails: emails.slice(i, i + BATCH) })
  let next = 0
  const latencies: number[] = []
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < batches.length) {
        const began = performance.now()
        const response = await client.send('POST', '/emails/batch', batches[next++])
        if (response.status !== 200) throw new Error(`baseline batch ${response.status}`)
        latencies.push(performance.now() - began)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  client.close()
  return { seconds, latencies }
}

async function appBulkSend(name: string, rows = ROWS) {
  const csv = [
    'email,name,code',
    ...Array.from({ length: rows }, (_, i) => `bulk${i}@example.org,${i},${i}`),
  ].join('\n')
  const before = lookups
  const started = performance.now()
  const begun = await app.channels['mail:bulk-start'](
    {
      csv,
      mapping: { to: 'email' },
      template: { subject: subject('{{name}}'), text: 'Code {{code}}' },
      name,
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
