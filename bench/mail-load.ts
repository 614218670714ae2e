// The mail-stack benchmark's load: batches posted as fast as the API takes them, single emails
// posted at fixed times (an open loop), and the wait for an idle pipeline between phases.
import { keepAliveClient } from '../resources/stack/test/api-client'
import { waitFor } from '../resources/stack/test/docker-helpers'
import type { MailStack } from '../resources/stack/test/mail-stack'
import { QUEUES } from '../shared/messages'
import { percentile } from './figures'
import { deliveredReport, type Destination } from './mail-destinations'

export interface EmailBatch {
  emails: Array<{ to: string; subject: string; text: string; idempotencyKey: string }>
}

/** Posts the batches, `concurrency` requests in flight; throws unless each is wholly accepted. */
export async function postBatches(apiUrl: string, batches: EmailBatch[], concurrency: number) {
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

/** Waits for empty emailer and logger queues: a phase does not inherit the last one's backlog. */
export async function quiet(stack: MailStack) {
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

/** Posted at the same rate before the timed ones, while the client opens its connections. */
export const OPEN_WARMUP_SECONDS = 1

/**
 * Offered load: one POST /emails every 1/rate s whatever the answers, for `seconds` after
 * OPEN_WARMUP_SECONDS; latency to `to` of the ones after the warm-up, and its two parts: to the
 * API's answer (the broker's confirm) and from that answer to `to`.
 */
export async function openLoop(
  stack: MailStack,
  to: Destination,
  { rate, seconds, run, text }: { rate: number; seconds: number; run: string; text: string },
) {
  await to.clear()
  const client = keepAliveClient(stack.apiUrl, 256)
  const postedAt = new Map<string, number>()
  const answeredAt = new Map<string, number>()
  const warmup = Math.round(rate * OPEN_WARMUP_SECONDS)
  const total = warmup + Math.round(rate * seconds)
  const started = Date.now()
  const sends: Array<Promise<unknown>> = []
  for (let i = 0; i < total; i += 1) {
    const due = started + (i * 1000) / rate
    const wait = due - Date.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    const id = `open-${run}-${i}`
    postedAt.set(id, Date.now())
    sends.push(
      client
        .send(
          'POST',
          '/emails',
          { to: `open${i}@example.com`, subject: `Open ${i}`, text },
          { 'idempotency-key': id },
        )
        .then(() => answeredAt.set(id, Date.now())),
    )
  }
  await Promise.all(sends)
  client.close()
  const report = await deliveredReport(to, [...postedAt.keys()], started)
  const timed = new Map([...postedAt].slice(warmup))
  const arrivals = report.arrivals.filter(({ emailId }) => timed.has(emailId ?? ''))
  const since = (times: Map<string, number>) =>
    spread(arrivals.map(({ emailId, at }) => at - (times.get(emailId ?? '') ?? NaN)))
  const accepted = spread([...timed].map(([id, posted]) => (answeredAt.get(id) ?? NaN) - posted))
  return {
    ...since(timed),
    accepted,
    afterAccept: since(answeredAt),
    timed: timed.size,
    lost: report.lost,
    duplicated: report.duplicated,
  }
}

/** p50 and p99 (ms, rounded) of the measured values. */
function spread(values: number[]) {
  const sorted = values.filter((n) => !Number.isNaN(n)).sort((a, b) => a - b)
  return { p50: Math.round(percentile(sorted, 50)), p99: Math.round(percentile(sorted, 99)) }
}
