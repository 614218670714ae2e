// End-to-end benchmark of the mail stack (issue #12, goal 1), beside its baselines in the same run:
// raw amqplib publish-with-confirms on the same broker, and the SMTP sink's own ceiling.
//   npx tsx bench/mail-stack.ts [--emails 30000] [--batch 500] [--concurrency 4] [--quick]
//   [--held 10000] [--held-rounds 2]: the accept rate with delivery held (see heldAccept)
import { cpus } from 'node:os'
import { parseArgs } from 'node:util'
import { keepAliveClient } from '../resources/stack/test/api-client'
import { countByEmailId } from '../resources/stack/test/catcher-client'
import { waitFor } from '../resources/stack/test/docker-helpers'
import { QUEUES } from '../shared/messages'
import type { MailStack } from '../resources/stack/test/mail-stack'
import { BENCH_STACK_OPTIONS, benchStack } from './bench-stack'
import { median, percentile, ratio, reportFigures, type Figure } from './figures'
import { rawAmqpRate } from './raw-amqp'
import { SINK_SESSIONS, sinkCeiling } from './smtp-sink'
import { cpuText, cpuUse, stackCpuSeconds } from './stack-cpu'

const { values } = parseArgs({
  options: {
    emails: { type: 'string' },
    batch: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '4' },
    raw: { type: 'string' },
    held: { type: 'string' },
    'held-rounds': { type: 'string', default: '2' },
    'open-rate': { type: 'string', default: '500' },
    'open-seconds': { type: 'string' },
    quick: { type: 'boolean', default: false },
  },
})
const QUICK = values.quick
const EMAILS = Number(values.emails ?? (QUICK ? 2000 : 30000))
const BATCH = Number(values.batch)
const CONCURRENCY = Number(values.concurrency)
const RAW = Number(values.raw ?? (QUICK ? 5000 : 20000))
// Four requests per slot at least: with fewer, a round times one batch's latency, not a rate.
const HELD = Number(values.held ?? (QUICK ? 4 * CONCURRENCY * BATCH : 10000))
const HELD_ROUNDS = Number(values['held-rounds'])
const OPEN_RATE = Number(values['open-rate'])
const OPEN_SECONDS = Number(values['open-seconds'] ?? (QUICK ? 2 : 10))
const SINK_EMAILS = QUICK ? 1000 : 10000
const run = Date.now().toString(36)
const TEXT = 'x'.repeat(200)

interface Batch {
  emails: Array<{ to: string; subject: string; text: string; idempotencyKey: string }>
}

async function postBatches(apiUrl: string, batches: Batch[], concurrency: number) {
  const client = keepAliveClient(apiUrl, concurrency)
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!
        const response = await client.send('POST', '/emails/batch', batch)
        const body = JSON.parse(response.body) as { accepted?: number }
        if (response.status !== 200 || body.accepted !== batch.emails.length) {
          throw new Error(`batch answered ${response.status}: ${response.body.slice(0, 300)}`)
        }
      }
    }),
  )
  client.close()
}

function batchesOf(count: number, prefix: string): { ids: string[]; batches: Batch[] } {
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${run}-${i}`)
  const batches: Batch[] = []
  for (let i = 0; i < count; i += BATCH) {
    batches.push({
      emails: ids.slice(i, i + BATCH).map((id, j) => ({
        to: `reader${i + j}@example.com`,
        subject: `Bench ${i + j}`,
        text: TEXT,
        idempotencyKey: id,
      })),
    })
  }
  return { ids, batches }
}

function allDelivered(stack: MailStack, count: number) {
  return waitFor(
    `${count} emails at the catcher`,
    async () => ((await stack.catcher.total()) >= count ? true : undefined),
    900_000,
    250,
  )
}

async function deliveredReport(stack: MailStack, ids: string[], since: number) {
  await allDelivered(stack, ids.length)
  const messages = await stack.catcher.listAll()
  const counts = countByEmailId(messages)
  const last = Math.max(...messages.map((message) => Date.parse(message.Created)))
  return {
    messages,
    lost: ids.filter((id) => !counts.has(id)).length,
    duplicated: ids.filter((id) => (counts.get(id) ?? 0) > 1).length,
    seconds: (last - since) / 1000,
  }
}

/** Waits for empty emailer and logger queues: a phase does not inherit the last one's backlog. */
async function quiet(stack: MailStack) {
  const connection = await stack.connectBroker()
  try {
    const channel = await connection.createChannel()
    const backlog = async () =>
      (await channel.checkQueue(QUEUES.emailer)).messageCount +
      (await channel.checkQueue(QUEUES.logger)).messageCount
    await waitFor(
      'empty emailer and logger queues',
      async () => ((await backlog()) === 0 ? true : undefined),
      300_000,
      100,
    )
  } finally {
    await connection.close()
  }
}

/** Offered load: one POST /emails every 1/rate s whatever the answers; latency to the catcher. */
async function openLoop(stack: MailStack, rate: number, seconds: number) {
  await stack.catcher.deleteAll()
  const client = keepAliveClient(stack.apiUrl, 256)
  const postedAt = new Map<string, number>()
  const total = Math.round(rate * seconds)
  const started = Date.now()
  const sends: Array<Promise<unknown>> = []
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate
    const wait = due - Date.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    const id = `open-${run}-${i}`
    postedAt.set(id, Date.now())
    sends.push(
      client.send(
        'POST',
        '/emails',
        { to: `open${i}@example.com`, subject: `Open ${i}`, text: TEXT },
        { 'idempotency-key': id },
      ),
    )
  }
  await Promise.all(sends)
  client.close()
  const report = await deliveredReport(stack, [...postedAt.keys()], started)
  const latencies = report.messages
    .map((m) => Date.parse(m.Created) - (postedAt.get(m.MessageID.replace(/@.*$/, '')) ?? NaN))
    .filter((n) => !Number.isNaN(n))
    .sort((a, b) => a - b)
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), total }
}

async function main() {
  console.log('starting the stack (images built from this checkout)…')
  const tuning = emailerTuning()
  const { stack, release } = await benchStack(
    Object.keys(tuning).length === 0
      ? undefined
      : { ...BENCH_STACK_OPTIONS, emailerEnv: { LOG_LEVEL: 'warn', ...tuning } },
  )
  try {
    const measured = await measure(stack)
    printMeasured(measured)
    reportFigures('mail-stack', figuresOf(measured))
  } finally {
    await release()
  }
}

type Measured = Awaited<ReturnType<typeof measure>>

/**
 * The accept rate on the machine the raw baseline gets: the emailer is paused (docker pause) while
 * the API takes the emails, so nothing is delivered meanwhile (the logger consumes, as the
 * baseline's consumer does). Each round measures the baseline, then the API, under the same
 * pause, kept short (a few seconds) beside the emailer's 10 s AMQP heartbeat. Released, the emailer
 * delivers the backlog, and every email must still arrive exactly once.
 */
async function heldAccept(stack: MailStack) {
  const emailer = stack.container('emailer')
  const raws: number[] = []
  const accepts: number[] = []
  const ids: string[] = []
  for (let round = 0; round < HELD_ROUNDS; round += 1) {
    const held = batchesOf(HELD, `held${round}`)
    ids.push(...held.ids)
    await emailer.pause()
    try {
      raws.push((await rawAmqpRate(() => stack.connectBroker(), RAW, 64)).publishPerSecond)
      const started = performance.now()
      await postBatches(stack.apiUrl, held.batches, CONCURRENCY)
      accepts.push(HELD / ((performance.now() - started) / 1000))
    } finally {
      await emailer.unpause()
    }
  }
  const released = Date.now()
  const delivered = await deliveredReport(stack, ids, released)
  await stack.catcher.deleteAll()
  return {
    raws,
    accepts,
    raw: median(raws),
    accepted: median(accepts),
    lost: delivered.lost,
    duplicated: delivered.duplicated,
    drainRate: ids.length / delivered.seconds,
  }
}

/** Warms up, then measures the sink, the held accept rounds, the batch run and the open loop. */
async function measure(stack: MailStack) {
  const warm = batchesOf(QUICK ? 200 : 1000, 'warm')
  await postBatches(stack.apiUrl, warm.batches, CONCURRENCY)
  await deliveredReport(stack, warm.ids, Date.now())
  const messageBytes = median((await stack.catcher.listAll()).map((message) => message.Size))
  await stack.catcher.deleteAll()

  const sink = await sinkCeiling(stack, SINK_EMAILS, messageBytes)
  const held = await heldAccept(stack)
  await quiet(stack)

  const { ids, batches } = batchesOf(EMAILS, 'bench')
  const cpuBefore = await stackCpuSeconds(stack)
  const started = Date.now()
  await postBatches(stack.apiUrl, batches, CONCURRENCY)
  const acceptSeconds = (Date.now() - started) / 1000
  await allDelivered(stack, ids.length)
  const cpuAfter = await stackCpuSeconds(stack)
  const delivered = await deliveredReport(stack, ids, started)
  const cpu = cpuUse(cpuBefore, cpuAfter, delivered.seconds, EMAILS)
  await stack.catcher.deleteAll()
  await quiet(stack)
  const open = await openLoop(stack, OPEN_RATE, OPEN_SECONDS)
  return {
    sink,
    held,
    delivered,
    open,
    acceptedWhileDelivering: EMAILS / acceptSeconds,
    deliveredRate: EMAILS / delivered.seconds,
    cpuText: cpuText(cpu),
    cpuMsPerEmail: cpu.reduce((sum, item) => sum + item.msPerEmail, 0),
  }
}

function printMeasured(measured: Measured) {
  const { sink, held, delivered, open, deliveredRate, cpuText } = measured
  const rounds = (values: number[]) => values.map((value) => value.toFixed(0)).join(', ')
  console.log(`\nmail stack benchmark: ${EMAILS} emails in batches of ${BATCH}`)
  console.log(
    `  accepted, delivery held        ${held.accepted.toFixed(0)} emails/s (rounds ${rounds(held.accepts)})`,
  )
  console.log(
    `  raw publish+confirm, same time ${held.raw.toFixed(0)} msg/s (rounds ${rounds(held.raws)}): ${ratio(held.accepted, held.raw).toFixed(2)}x`,
  )
  console.log(
    `  held backlog delivered at      ${held.drainRate.toFixed(0)} emails/s, lost / duplicated ${held.lost} / ${held.duplicated}`,
  )
  console.log(
    `  accepted while delivering      ${measured.acceptedWhileDelivering.toFixed(0)} emails/s`,
  )
  console.log(`  delivered to the sink          ${deliveredRate.toFixed(0)} emails/s`)
  console.log(`  lost / duplicated              ${delivered.lost} / ${delivered.duplicated}`)
  console.log(
    `  sink ceiling (smtp-source x${SINK_SESSIONS}) ${sink.rate.toFixed(0)} emails/s (${sinkCpuText(sink)})`,
  )
  console.log(`  open loop ${OPEN_RATE}/s p50/p99       ${open.p50} / ${open.p99} ms`)
  console.log(`  CPU used while delivering: ${cpuText}`)
}

const BATCH_METHOD = `POSTed to /emails/batch (${BATCH} per request, ${CONCURRENCY} requests in flight, node:http keep-alive) on the stack the integration tests use (api, broker, emailer, logger, catcher on this machine)`

function figuresOf(measured: Measured) {
  const { sink, held, delivered, open, deliveredRate, cpuText } = measured
  const lostOrDuplicated = delivered.lost + delivered.duplicated + held.lost + held.duplicated
  const figures: Figure[] = [
    {
      goal: 1,
      name: 'delivered end to end (POST -> broker -> emailer -> SMTP sink)',
      value: deliveredRate,
      unit: 'emails/s',
      target: '>= 1000 emails/s',
      holds: deliveredRate >= 1000,
      method: `${EMAILS} emails ${BATCH_METHOD}; rate = emails / (last arrival at the sink - first POST)`,
      ...(deliveredRate >= 1000
        ? {}
        : {
            bound: `CPU (the machine has ${cpus().length} cores, shared with whatever else runs) used while delivering: ${cpuText}; the sink alone takes ${sink.rate.toFixed(0)} emails/s`,
          }),
    },
    {
      goal: 1,
      name: 'lost + duplicated at the sink',
      value: lostOrDuplicated,
      unit: 'emails',
      target: '0',
      holds: lostOrDuplicated === 0,
      method: `every Message-ID at the sink counted per email id: the ${EMAILS} emails delivered while POSTed and the ${HELD * HELD_ROUNDS} held while the emailer was paused, delivered after its release (${held.lost + held.duplicated} of those)`,
    },
    {
      goal: 1,
      name: 'SMTP sink ceiling (context)',
      value: sink.rate,
      unit: 'emails/s',
      target: 'above the delivered rate',
      holds: sink.rate > deliveredRate,
      method: `${SINK_EMAILS} messages of ${sink.messageBytes} bytes (the median size of the emailer's) sent straight to the catcher's published port from the host by Postfix's smtp-source, ${SINK_SESSIONS} sessions, many messages each; CPU per email: ${sinkCpuText(sink)}`,
    },
    ...acceptFigures(measured),
    {
      goal: 1,
      name: `POST -> delivered p99 at an offered ${OPEN_RATE} emails/s`,
      value: open.p99,
      unit: 'ms',
      target: '<= 100 ms',
      holds: open.p99 <= 100,
      method: `open loop on a quiet stack (the emailer's and logger's queues empty): ${open.total} single POST /emails at fixed times over ${OPEN_SECONDS} s (whatever the answers), latency = arrival at the sink - POST; p50 ${open.p50} ms`,
    },
  ]
  return figures
}

function acceptFigures({ held, acceptedWhileDelivering, cpuMsPerEmail }: Measured): Figure[] {
  const rounds = (values: number[]) => values.map((value) => value.toFixed(0)).join(', ')
  const baseline = {
    name: 'raw amqplib publish-with-confirms, same broker, same pause',
    value: held.raw,
  }
  return [
    {
      goal: 1,
      name: 'api accept rate (delivery held)',
      value: held.accepted,
      unit: 'emails/s',
      baseline,
      target: '>= 0.5x baseline',
      holds: ratio(held.accepted, held.raw) >= 0.5,
      method: `${HELD} emails ${BATCH_METHOD}, with the emailer paused (docker pause) so that nothing is delivered meanwhile, as nothing is beside the baseline (the logger consumes, as the baseline's consumer does); median of ${HELD_ROUNDS} rounds (${rounds(held.accepts)} emails/s), each right after its baseline round under the same pause (${rounds(held.raws)} msg/s); baseline: ${RAW} persistent 200-byte messages to a durable queue, 64 unconfirmed at most, consumed with acks. Each email costs the broker 2 persistent writes (the request fanned out to the emailer's and logger's queues; the broker's confirm of it is the acceptance, no separate event), the baseline's message 1. Released, the emailer delivered the ${HELD * HELD_ROUNDS} at ${held.drainRate.toFixed(0)} emails/s`,
    },
    {
      goal: 1,
      name: 'api accept rate while delivering (context)',
      value: acceptedWhileDelivering,
      unit: 'emails/s',
      baseline,
      target: 'context: the emailer and catcher share the 2 cores meanwhile',
      method: `the end-to-end run's ${EMAILS} emails ${BATCH_METHOD}, timed to the last batch's answer while the emailer and catcher deliver them (the stack used ${cpuMsPerEmail.toFixed(1)} ms of CPU per email in all)`,
    },
  ]
}

function sinkCpuText(sink: Measured['sink']): string {
  return `catcher ${sink.catcherMsPerEmail.toFixed(2)} ms, smtp-source ${sink.clientMsPerEmail.toFixed(2)} ms`
}

/** SMTP_POOL_SIZE / EMAILER_PREFETCH from BENCH_* to compare settings; else the defaults. */
function emailerTuning(): Record<string, string> {
  const tuning: Record<string, string> = {}
  if (process.env.BENCH_SMTP_POOL_SIZE !== undefined) {
    tuning.SMTP_POOL_SIZE = process.env.BENCH_SMTP_POOL_SIZE
  }
  if (process.env.BENCH_EMAILER_PREFETCH !== undefined) {
    tuning.EMAILER_PREFETCH = process.env.BENCH_EMAILER_PREFETCH
  }
  return tuning
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
