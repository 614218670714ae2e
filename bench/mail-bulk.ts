// The app's bulk send and tracking on the real mail stack, beside a plain HTTP client posting the
// same emails to the same API in the same run.
//   npx tsx bench/mail-bulk.ts [--rows 1000] [--concurrency 16]
// Prints: baseline emails/s accepted (keep-alive node:http, same concurrency); the app's bulk send
// (CSV parse, validation, fetch) emails/s accepted and time until all delivered; and how long the
// app's subscription takes to show every email as sent after the last delivery.
import { parseArgs } from 'node:util'
import { keepAliveClient } from '../resources/stack/test/api-client'
import { waitFor } from '../resources/stack/test/docker-helpers'
import { waitForDelivery } from '../resources/stack/test/expectations'
import { startApp, startMailStack, tempDataDir } from '../test/support/mail-stack'
import { BulkSender } from '../electron/main/mail/bulk'
import { postEmail } from '../electron/main/mail/api-client'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
  },
})
const ROWS = Number(values.rows)
const CONCURRENCY = Number(values.concurrency)
const run = Date.now().toString(36)

const { stack, endpoints } = await startMailStack({
  emailerEnv: { EMAILER_PREFETCH: '50' },
})
const data = tempDataDir()
const app = startApp(endpoints, data.dir)
try {
  await waitFor(
    'the app connected',
    () => (app.manager.state.subscription.consuming ? true : undefined),
    30_000,
  )

  // Baseline: the same number of emails, posted by a plain keep-alive client.
  const client = keepAliveClient(stack.apiUrl, CONCURRENCY)
  const baseIds = Array.from({ length: ROWS }, (_, i) => `base-${run}-${i}`)
  let next = 0
  const baseStart = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ROWS) {
        const i = next++
        const response = await client.send(
          'POST',
          '/emails',
          { to: [`base${i}@example.org`], subject: `Base ${i}`, text: `Code ${i}` },
          { 'idempotency-key': baseIds[i]! },
        )
        if (response.status !== 202) throw new Error(`baseline POST ${response.status}`)
      }
    }),
  )
  const baseSeconds = (performance.now() - baseStart) / 1000
  await waitForDelivery(() => stack.catcher, baseIds, 300_000, 0)

  // The app's bulk send: CSV parsed and validated, one fetch per row, same concurrency.
  const csv = [
    'email,name,code',
    ...Array.from({ length: ROWS }, (_, i) => `bulk${i}@example.org,User ${i},${i}`),
  ].join('\n')
  const bulk = new BulkSender({
    send: async (email, key) => postEmail((await endpoints()).apiUrl, email, key),
    concurrency: CONCURRENCY,
  })
  const bulkStart = performance.now()
  const started = bulk.start({
    csv,
    mapping: { to: 'email' },
    template: { subject: `Bulk ${run} {{name}}`, text: 'Code {{code}}' },
  })
  await new Promise<void>((resolve) => {
    bulk.follow(started.batchId, (progress) => {
      if (progress.state !== 'running') resolve()
    })
  })
  const bulkSeconds = (performance.now() - bulkStart) / 1000
  const result = bulk.result(started.batchId)
  const ids = result.rows.flatMap((row) => (row.emailId === undefined ? [] : [row.emailId]))
  const delivered = await waitForDelivery(() => stack.catcher, ids, 300_000, 0)
  const deliveredSeconds = (performance.now() - bulkStart) / 1000
  const wanted = new Set(ids)
  await waitFor(
    'every bulk email tracked as sent',
    () =>
      app.tracker.recent({ status: 'sent', limit: 50_000 }).emails.filter((e) => wanted.has(e.id))
        .length === ids.length
        ? true
        : undefined,
    120_000,
    50,
  )
  const trackedSeconds = (performance.now() - bulkStart) / 1000

  const rate = (n: number, s: number) => `${(n / s).toFixed(0)}/s`
  console.log(`rows ${ROWS}, concurrency ${CONCURRENCY}`)
  console.log(
    `baseline keep-alive POST /emails: ${baseSeconds.toFixed(2)} s, ${rate(ROWS, baseSeconds)} accepted`,
  )
  console.log(
    `app bulk send: ${bulkSeconds.toFixed(2)} s, ${rate(result.accepted, bulkSeconds)} accepted (${(bulkSeconds / baseSeconds).toFixed(2)}x the baseline time); ${result.invalid} invalid, ${result.failed} failed`,
  )
  console.log(
    `delivered ${delivered.counts.size}/${ids.length} (missing ${delivered.missing.length}, duplicated ${delivered.duplicated.length}) ${deliveredSeconds.toFixed(2)} s after start`,
  )
  console.log(
    `app tracking shows all sent ${trackedSeconds.toFixed(2)} s after start (${(trackedSeconds - deliveredSeconds).toFixed(2)} s after the last delivery was seen)`,
  )
} finally {
  await app.stop()
  await stack.stop()
  data.remove()
}
