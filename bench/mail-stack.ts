// End-to-end benchmark of the mail stack, beside a raw amqplib baseline on the same broker.
//   npx tsx bench/mail-stack.ts [--emails 2000] [--concurrency 32] [--raw 20000]
// Prints: emails/s accepted by the api (202s), emails/s delivered to the SMTP catcher,
// POST-to-delivery latency p50/p99, and the raw publish-with-confirms -> consume rate.
import { parseArgs } from 'node:util'
import type { ChannelModel } from 'amqplib'
import { keepAliveClient } from '../resources/stack/test/api-client'
import { waitFor } from '../resources/stack/test/docker-helpers'
import { MailStack } from '../resources/stack/test/mail-stack'

const { values } = parseArgs({
  options: {
    emails: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '32' },
    raw: { type: 'string', default: '20000' },
  },
})
const EMAILS = Number(values.emails)
const CONCURRENCY = Number(values.concurrency)
const RAW_MESSAGES = Number(values.raw)

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/** Persistent messages through a durable queue, `window` unconfirmed at most, consumed with acks. */
async function rawAmqpRate(connect: () => Promise<ChannelModel>, count: number, window: number) {
  const publisherConnection = await connect()
  const consumerConnection = await connect()
  const queue = 'maildock.bench.raw'
  const publisher = await publisherConnection.createConfirmChannel()
  await publisher.assertQueue(queue, { durable: true })
  await publisher.purgeQueue(queue)
  const consumer = await consumerConnection.createChannel()
  await consumer.prefetch(100)
  const body = Buffer.from(
    JSON.stringify({ to: ['x@example.com'], subject: 's', text: 'x'.repeat(200) }),
  )

  let consumed = 0
  const allConsumed = new Promise<number>((resolve) => {
    void consumer.consume(queue, (message) => {
      if (message === null) return
      consumer.ack(message)
      consumed += 1
      if (consumed === count) resolve(performance.now())
    })
  })
  const started = performance.now()
  let inFlight = 0
  let published = 0
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (inFlight < window && published < count) {
        inFlight += 1
        published += 1
        publisher.publish('', queue, body, { persistent: true, mandatory: true }, (error) => {
          if (error !== null && error !== undefined) return reject(new Error('nacked'))
          inFlight -= 1
          if (published === count && inFlight === 0) resolve()
          else pump()
        })
      }
    }
    pump()
  })
  const confirmedAt = performance.now()
  const consumedAt = await allConsumed
  await publisher.deleteQueue(queue)
  await publisherConnection.close()
  await consumerConnection.close()
  return {
    publishPerSecond: count / ((confirmedAt - started) / 1000),
    endToEndPerSecond: count / ((consumedAt - started) / 1000),
  }
}

/** Requests/s of the api's cheapest route over the same client: the HTTP ceiling here. */
async function httpCeiling(apiUrl: string, count: number, concurrency: number) {
  const client = keepAliveClient(apiUrl, concurrency)
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        next += 1
        await client.send('GET', '/health/live')
      }
    }),
  )
  client.close()
  return count / ((performance.now() - started) / 1000)
}

async function endToEnd(stack: MailStack, count: number, concurrency: number) {
  await stack.catcher.deleteAll()
  const client = keepAliveClient(stack.apiUrl, concurrency)
  const postedAt = new Map<string, number>()
  let next = 0
  const started = Date.now()
  const worker = async () => {
    while (next < count) {
      const index = next
      next += 1
      const id = `bench-${started}-${index}`
      postedAt.set(id, Date.now())
      const body = {
        to: `reader${index}@example.com`,
        subject: `Bench ${index}`,
        text: 'x'.repeat(200),
      }
      const response = await client.send('POST', '/emails', body, { 'idempotency-key': id })
      if (response.status !== 202)
        throw new Error(`POST answered ${response.status}: ${response.body}`)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  const acceptedMs = Date.now() - started
  client.close()
  await waitFor(
    'every email at the catcher',
    async () => ((await stack.catcher.total()) >= count ? true : undefined),
    600_000,
    200,
  )
  const messages = await stack.catcher.listAll()
  const latencies: number[] = []
  let lastDelivery = 0
  for (const message of messages) {
    const posted = postedAt.get(message.MessageID.replace(/@.*$/, ''))
    const delivered = Date.parse(message.Created)
    lastDelivery = Math.max(lastDelivery, delivered)
    if (posted !== undefined) latencies.push(delivered - posted)
  }
  latencies.sort((a, b) => a - b)
  return {
    acceptedPerSecond: count / (acceptedMs / 1000),
    deliveredPerSecond: count / ((lastDelivery - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    delivered: messages.length,
  }
}

async function main() {
  console.log(`starting the stack (images built from this checkout)…`)
  const stack = await MailStack.start({
    apiEnv: { LOG_LEVEL: 'warn' },
    emailerEnv: { LOG_LEVEL: 'warn', ...emailerTuning() },
  })
  try {
    await endToEnd(stack, Math.min(200, EMAILS), CONCURRENCY) // warm-up: JIT, SMTP pool, queues
    const raw = await rawAmqpRate(() => stack.connectBroker(), RAW_MESSAGES, CONCURRENCY)
    const ceiling = await httpCeiling(stack.apiUrl, EMAILS, CONCURRENCY)
    const e2e = await endToEnd(stack, EMAILS, CONCURRENCY)
    const single = await endToEnd(stack, 200, 1)
    const rows: Array<[string, string]> = [
      ['emails posted', `${EMAILS} (${CONCURRENCY} concurrent clients)`],
      ['api accepted (202)', `${e2e.acceptedPerSecond.toFixed(0)} emails/s`],
      [
        'delivered to the catcher',
        `${e2e.deliveredPerSecond.toFixed(0)} emails/s (${e2e.delivered} arrived)`,
      ],
      ['POST -> delivery latency (burst)', `p50 ${e2e.p50} ms, p99 ${e2e.p99} ms`],
      ['POST -> delivery latency (1 client)', `p50 ${single.p50} ms, p99 ${single.p99} ms`],
      ['api GET /health/live (HTTP ceiling)', `${ceiling.toFixed(0)} req/s`],
      [
        `raw amqplib (${RAW_MESSAGES} msgs, window ${CONCURRENCY})`,
        `publish+confirm ${raw.publishPerSecond.toFixed(0)} msg/s, publish->consume ${raw.endToEndPerSecond.toFixed(0)} msg/s`,
      ],
      [
        'api accepted / raw publish+confirm',
        `${((e2e.acceptedPerSecond / raw.publishPerSecond) * 100).toFixed(1)} %`,
      ],
      [
        'delivered / raw publish->consume',
        `${((e2e.deliveredPerSecond / raw.endToEndPerSecond) * 100).toFixed(1)} %`,
      ],
    ]
    const width = Math.max(...rows.map(([label]) => label.length))
    console.log('\nmail stack benchmark')
    for (const [label, value] of rows) console.log(`  ${label.padEnd(width)}  ${value}`)
  } finally {
    await stack.stop()
  }
}

main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})

/** BENCH_SMTP_POOL_SIZE / BENCH_EMAILER_PREFETCH pass through to the emailer, to compare settings. */
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
