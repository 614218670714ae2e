// The app's side of the mail stack against real services: its durable subscription catches up
// after the app was closed, survives a broker restart, and the dead-letter queue can be retried.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import { QUEUES } from '../../../shared/messages'
import { postMany } from '../../../resources/stack/test/api-client'
import { execText, waitFor } from '../../../resources/stack/test/docker-helpers'
import { waitForDelivery } from '../../../resources/stack/test/expectations'
import type { MailStack } from '../../../resources/stack/test/mail-stack'
import { listDeadLetters, ManagementClient, type StackEndpoints } from '../broker'
import { postEmail } from './api-client'
import { createMailPipeline } from '../mail-pipeline'
import { startApp, startMailStack, tempDataDir } from '../../../test/support/mail-stack'

let stack: MailStack
let endpoints: () => Promise<StackEndpoints>
const data = tempDataDir()
const run = Date.now().toString(36)

beforeAll(async () => {
  ;({ stack, endpoints } = await startMailStack({
    emailerEnv: { EMAILER_RETRY_DELAYS_MS: '500,1000' },
  }))
})

afterAll(async () => {
  await stack?.stop()
  data.remove()
})

type App = ReturnType<typeof startApp>

const managementOverview = async () =>
  new ManagementClient((await endpoints()).managementUrl).overview()

async function connected(app: App): Promise<void> {
  await waitFor(
    'the app to consume maildock.app',
    () =>
      app.manager.state.state === 'connected' && app.manager.state.subscription.consuming
        ? true
        : undefined,
    30_000,
  )
}

function statusesOf(app: App, ids: string[]) {
  const wanted = new Set(ids)
  const emails = app.tracker
    .recent({ limit: 50_000 })
    .emails.filter((email) => wanted.has(email.id))
  return {
    found: emails.length,
    sent: emails.filter((email) => email.status === 'sent').length,
    emails,
  }
}

function email(index: number, prefix: string) {
  return {
    to: [`user${index}@example.org`],
    subject: `${prefix} ${index}`,
    text: `Body ${index}`,
  }
}

describe("the app's mail subscription", () => {
  it('catches up on 200 emails delivered while the app was stopped: all tracked as sent', async () => {
    const first = startApp(endpoints, data.dir)
    await connected(first)
    await first.stop()

    const ids = Array.from({ length: 200 }, (_, i) => `closed-${run}-${i}`)
    await postMany(stack.apiUrl, ids.length, (i) => ({ key: ids[i]!, body: email(i, 'Closed') }))
    const delivered = await waitForDelivery(() => stack.catcher, ids, 120_000, 500)
    expect(delivered.missing).toEqual([])
    expect(delivered.duplicated).toEqual([])

    const probe = await stack.connectBroker()
    const channel = await probe.createChannel()
    const waiting = (await channel.checkQueue(QUEUES.app)).messageCount
    await probe.close()
    // request + sent for each email, kept for the app while it was away
    expect(waiting).toBeGreaterThanOrEqual(400)

    const started = Date.now()
    const second = startApp(endpoints, data.dir)
    try {
      await waitFor(
        '200 emails tracked as sent',
        () => (statusesOf(second, ids).sent === 200 ? true : undefined),
        60_000,
      )
      const catchUpMs = Date.now() - started
      console.log(`caught up on ${waiting} messages (200 emails) in ${catchUpMs} ms`)
      const { emails } = statusesOf(second, ids)
      expect(emails.every((e) => e.attempts === 1 && e.detail?.startsWith('250'))).toBe(true)
      const timeline = second.tracker.timeline(ids[7]!)
      expect(timeline.entries.map((entry) => entry.kind)).toEqual(['accepted', 'sent'])
      expect(timeline.email.subject).toBe('Closed 7')
      // every message was stored before it was acknowledged, and the queue is drained
      await waitFor(
        'the app queue to drain',
        () => (second.manager.state.subscription.inFlight === 0 ? true : undefined),
        10_000,
      )
      const stored = await second.store.search({ query: { emailId: ids[7]! }, limit: 10 })
      expect(stored.entries.map((entry) => entry.status).sort()).toEqual(['request', 'sent'])
    } finally {
      await second.stop()
    }

    // A third start, with the queue empty, rebuilds the same picture from the log store alone.
    const third = startApp(endpoints, data.dir)
    try {
      await waitFor(
        'history from the store',
        () => (statusesOf(third, ids).sent === 200 ? true : undefined),
        10_000,
      )
    } finally {
      await third.stop()
    }
  })

  it('says the email was not sent while the broker is down, reconnects after it and keeps consuming', async () => {
    const app = startApp(endpoints, data.dir)
    try {
      await connected(app)
      const states: string[] = []
      app.manager.onChange((state) => states.push(state.state))
      await stack.container('broker').stop({ t: 10 })
      await waitFor(
        'the app to notice',
        () => (app.manager.state.state === 'reconnecting' ? true : undefined),
        30_000,
      )
      expect(app.manager.state.error).toBeDefined()
      // While the broker is down the API refuses the email, and the app says it was not sent.
      const ctx = { sender: { url: 't', isMainFrame: true } }
      const refused = await waitFor(
        'the API to answer 503',
        async () => {
          try {
            await app.channels['mail:send'](
              { email: { ...email(0, 'Down'), cc: [], bcc: [] } },
              ctx,
            )
            return undefined
          } catch (error) {
            return error instanceof MaildockError && error.code === 'UNAVAILABLE'
              ? error
              : undefined
          }
        },
        30_000,
        1_000,
      )
      expect(refused.message).toMatch(/could not hand the email to the broker, so it was NOT sent/)
      await stack.container('broker').start()
      await stack.waitForBroker()
      await connected(app)
      expect(states).toContain('reconnecting')
      await stack.waitServiceHealthy('api')
      await stack.waitServiceHealthy('emailer')

      const ids = Array.from({ length: 20 }, (_, i) => `restart-${run}-${i}`)
      await postMany(stack.apiUrl, ids.length, (i) => ({
        key: ids[i]!,
        body: email(i, 'After restart'),
      }))
      await waitFor(
        '20 emails sent after the restart',
        () => (statusesOf(app, ids).sent === 20 ? true : undefined),
        60_000,
      )
    } finally {
      await app.stop()
    }
  })

  it('keeps a message unacknowledged while it cannot be stored, and stores it once it can', async () => {
    let failures = 0
    const stored: string[] = []
    const app = createMailPipeline({
      endpoints,
      dataDir: data.dir,
      reconnectBackoff: { initialMs: 200, maxMs: 1_000, jitter: 0 },
      store: (mail) => {
        if (mail.kind === 'request' && failures < 3) {
          failures += 1
          return Promise.reject(new Error('database or disk is full'))
        }
        stored.push(mail.kind === 'request' ? `request ${mail.request.id}` : mail.event.eventId)
        return Promise.resolve()
      },
    })
    try {
      await waitFor(
        'consuming',
        () => (app.manager.state.subscription.consuming ? true : undefined),
        30_000,
      )
      const { id } = await postEmail(
        stack.apiUrl,
        { ...email(5, 'Disk full'), cc: [], bcc: [] },
        `full-${run}`,
      )
      await waitFor(
        'the store failure reported',
        () =>
          app.manager.state.subscription.lastError?.includes('disk is full') ? true : undefined,
        10_000,
        50,
      )
      expect(app.manager.state.subscription.inFlight).toBeGreaterThanOrEqual(1)
      await waitFor(
        'stored after the retries',
        () => (stored.includes(`request ${id}`) ? true : undefined),
        30_000,
      )
      expect(failures).toBe(3)
      await waitFor(
        'sent',
        () =>
          app.tracker.recent({ limit: 10, search: id }).emails[0]?.status === 'sent'
            ? true
            : undefined,
        30_000,
      )
      await waitFor(
        'nothing in flight',
        () => (app.manager.state.subscription.inFlight === 0 ? true : undefined),
        10_000,
      )
      expect(app.manager.state.subscription.lastError).toBeUndefined()
    } finally {
      await app.dispose()
    }
  })

  it('shows the queues from the management API', async () => {
    const app = startApp(endpoints, data.dir)
    try {
      await connected(app)
      // The management API refreshes its queue statistics every few seconds.
      const queues = await waitFor(
        'both consumers in the management API',
        async () => {
          const overview = await managementOverview()
          if (overview.state !== 'ok') throw new Error(overview.error)
          const byName = new Map(overview.queues.map((queue) => [queue.name, queue]))
          const ready =
            (byName.get(QUEUES.emailer)?.consumers ?? 0) >= 1 &&
            byName.get(QUEUES.app)?.consumers === 1 &&
            (byName.get(QUEUES.logger)?.consumers ?? 0) >= 1
          return ready ? byName : undefined
        },
        30_000,
        1_000,
      )
      expect(queues.get(QUEUES.emailer)).toMatchObject({ role: 'work', durable: true })
      expect(queues.get(QUEUES.app)).toMatchObject({ role: 'app', consumers: 1 })
      expect(queues.get(QUEUES.deadLetter)?.role).toBe('dead-letter')
      expect(queues.get(QUEUES.logger)?.consumers).toBeGreaterThanOrEqual(1)
    } finally {
      await app.stop()
    }
  })

  it('a rejected email shows failed with the reply; Retry delivers it once the server accepts', async () => {
    const app = startApp(endpoints, data.dir)
    try {
      await connected(app)
      const alerts: string[] = []
      app.tracker.onAlert((alert) => alerts.push(alert.emailId))
      await stack.catcher.rejectRecipients(550)
      const rejected = await postEmail(
        stack.apiUrl,
        { ...email(1, 'Rejected'), cc: [], bcc: [] },
        `rejected-${run}`,
      )
      const doomed = await postEmail(
        stack.apiUrl,
        { ...email(2, 'Doomed'), cc: [], bcc: [] },
        `doomed-${run}`,
      )
      const settled = (id: string) =>
        statusesOf(app, [id]).emails[0]?.status === 'failed' &&
        app.tracker.timeline(id).entries.length === 3
      await waitFor(
        'both failed',
        () => (settled(rejected.id) && settled(doomed.id) ? true : undefined),
        30_000,
      )
      const failed = app.tracker.timeline(rejected.id)
      expect(failed.email).toMatchObject({ status: 'failed', smtpCode: 550, deadLettered: true })
      expect(failed.email.detail).toMatch(/550/)
      expect(failed.entries.map((entry) => entry.kind)).toEqual([
        'accepted',
        'failed',
        'dead-lettered',
      ])
      expect(alerts.sort()).toEqual([doomed.id, rejected.id].sort())

      const session = app.manager.session!
      const letters = await listDeadLetters(session, 100)
      const letter = letters.messages.find((message) => message.emailId === rejected.id)
      expect(letter?.reason).toMatch(/550/)
      expect(letter?.smtpCode).toBe(550)
      expect(letter?.subject).toBe('Rejected 1')

      const ctx = { sender: { url: 't', isMainFrame: true } }
      const tracked = () => app.tracker.timeline(rejected.id)
      const kinds = () => tracked().entries.map((entry) => entry.kind)
      const retry = async (wanted: number) => {
        const done = await app.channels['broker:dead-letters-retry']({ keys: [rejected.id] }, ctx)
        expect(done).toEqual({ done: [rejected.id], missing: [] })
        await waitFor('the retry settled', () => kinds().length === wanted || undefined, 30_000)
      }
      await retry(6) // while the catcher still rejects: a second round, kept apart
      expect(kinds().slice(3)).toEqual(['retried', 'failed', 'dead-lettered'])
      expect(tracked().email.deadLettered).toBe(true)
      await stack.catcher.stopRejecting()
      await retry(8)
      expect(kinds().slice(6)).toEqual(['retried', 'sent'])
      expect(tracked().email).toMatchObject({ status: 'sent', deadLettered: false })
      const delivered = await waitForDelivery(() => stack.catcher, [rejected.id], 30_000, 500)
      expect(delivered.counts.get(rejected.id)).toBe(1)
      const found = await app.store.search({ query: { emailId: rejected.id }, limit: 50 })
      const statuses = found.entries.filter((e) => e.source === 'event').map((e) => e.status)
      expect(statuses.filter((status) => status === 'retried')).toHaveLength(2)
      expect(statuses.filter((status) => status === 'dead-lettered')).toHaveLength(2)

      const discarded = await app.channels['broker:dead-letters-discard'](
        { keys: [doomed.id, 'gone'] },
        ctx,
      )
      expect(discarded).toEqual({ done: [doomed.id], missing: ['gone'] })
      const after = await listDeadLetters(session, 100)
      expect(after.messages.map((message) => message.emailId)).not.toContain(doomed.id)
      expect(after.messages.map((message) => message.emailId)).not.toContain(rejected.id)
    } finally {
      await stack.catcher.stopRejecting()
      await app.stop()
    }
  })
  // Last: a memory alarm holds every publishing connection back until it clears.
  it('reports a blocked connection while the broker has a memory alarm', async () => {
    const app = startApp(endpoints, data.dir)
    const broker = stack.container('broker')
    const setWatermark = (value: string) =>
      execText(broker, ['rabbitmqctl', 'set_vm_memory_high_watermark', value])
    try {
      await connected(app)
      await setWatermark('0.000001')
      // RabbitMQ blocks a connection once it publishes: an unroutable probe is enough.
      const probe = app.manager.publish('', `maildock.no-such-queue-${run}`, Buffer.from('probe'))
      const outcome = probe.then(
        () => 'confirmed',
        (error: Error) => error.message,
      )
      await waitFor(
        'blocked',
        () => (app.manager.state.state === 'blocked' ? true : undefined),
        30_000,
      )
      expect(app.manager.state.blockedReason).toBe('low on memory')
      const alarms = await waitFor(
        'the alarm in the management API',
        async () => {
          const overview = await managementOverview()
          return overview.state === 'ok' && overview.alarms.length > 0 ? overview.alarms : undefined
        },
        30_000,
        1_000,
      )
      expect(alarms[0]).toMatch(/^memory alarm on rabbit@/)
      expect(await outcome).toMatch(
        /did not confirm the message within 10000 ms \(the broker blocks publishing: low on memory\)/,
      )
    } finally {
      await setWatermark('0.4')
    }
    try {
      await waitFor(
        'unblocked',
        () => (app.manager.state.state === 'connected' ? true : undefined),
        30_000,
      )
    } finally {
      await app.stop()
    }
  })
})
