// Fault tests: each ends with every email delivered exactly once, counted at the SMTP catcher,
// or (for a permanent rejection) in the dead-letter queue with the reason.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { HEADERS, QUEUES } from '../../../shared/messages'
import { postMany } from './api-client'
import { delay, waitFor } from './docker-helpers'
import { idsLogged, parseLogFile, explained, waitForDelivery } from './expectations'
import { MailStack } from './mail-stack'

/**
 * Short retry delays so an outage of 30 s is retried through several delay queues and the
 * email goes out within ~8 s of the SMTP server coming back (the defaults are 5 s .. 10 min).
 * A 2 s connection timeout: a stopped container's address just stops answering, and
 * nodemailer's DNS cache keeps dialling it.
 */
const RETRY_DELAYS_MS = '1000,2000,4000,8000,8000,8000,8000,8000'
const SMTP_OUTAGE_MS = 30_000

let stack: MailStack

beforeAll(async () => {
  stack = await MailStack.start({
    emailerEnv: { EMAILER_RETRY_DELAYS_MS: RETRY_DELAYS_MS, SMTP_CONNECTION_TIMEOUT_MS: '2000' },
  })
})

beforeEach(async () => {
  await stack.ensureRunning()
})

afterAll(async () => {
  await stack?.stop()
})

function simpleEmail(prefix: string) {
  return (index: number) => ({
    key: `${prefix}-${index}`,
    body: { to: `${prefix}${index}@example.com`, subject: `${prefix} ${index}`, text: 'burst' },
  })
}

function idsFor(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => `${prefix}-${index}`)
}

async function loggedIds(eventType: string, ids: readonly string[]): Promise<Set<string>> {
  const wanted = new Set(ids)
  const records = parseLogFile(await stack.loggerFile())
  return idsLogged(
    records,
    (record) => record.eventType === eventType && wanted.has(record.emailId ?? ''),
  )
}

describe('the mail stack under faults', () => {
  it('loses and duplicates nothing when the broker restarts in the middle of a burst', async () => {
    const count = 300
    const ids = idsFor('broker-restart', count)
    let restart: Promise<void> | undefined
    const results = await postMany(stack.apiUrl, count, simpleEmail('broker-restart'), {
      onAccepted: (accepted) => {
        if (accepted === 100) restart = stack.restartBroker()
      },
    })
    await restart
    expect(results.some((result) => result.attempts > 1)).toBe(true) // some POSTs saw a 503

    const delivered = await explained(
      stack,
      waitForDelivery(() => stack.catcher, ids, 90_000),
    )
    expect({ missing: delivered.missing, duplicated: delivered.duplicated }).toEqual({
      missing: [],
      duplicated: [],
    })
    await stack.waitServiceHealthy('logger')
    await waitFor(
      'the logger to log every outcome',
      async () => ((await loggedIds('sent', ids)).size === count ? true : undefined),
      30_000,
    )
  })

  it('loses and duplicates nothing when the emailer is SIGKILLed mid-burst and restarted', async () => {
    const count = 400
    const ids = idsFor('emailer-kill', count)
    const posting = postMany(stack.apiUrl, count, simpleEmail('emailer-kill'))
    await waitFor(
      '60 emails delivered before the kill',
      async () => {
        const arrived = await stack.catcher.listAll()
        return arrived.filter((message) => message.MessageID.startsWith('emailer-kill-')).length >=
          60
          ? true
          : undefined
      },
      60_000,
      100,
    )
    await stack.container('emailer').kill({ signal: 'SIGKILL' })
    const killedAt = (await stack.catcher.listAll()).filter((message) =>
      message.MessageID.startsWith('emailer-kill-'),
    ).length
    expect(killedAt).toBeLessThan(count) // the kill landed mid-burst
    await delay(1000)
    await stack.container('emailer').start()
    await posting

    const delivered = await explained(
      stack,
      waitForDelivery(() => stack.catcher, ids, 90_000),
    )
    expect({ missing: delivered.missing, duplicated: delivered.duplicated }).toEqual({
      missing: [],
      duplicated: [],
    })
    // The restarted emailer met the work the kill interrupted: emails sent but not acked,
    // attempts cut off before or after their end of data.
    const logs = await stack.logsOf('emailer', 100_000)
    const recovered = logs
      .split('\n')
      .filter((line) => /already sent|earlier attempt|cut off/.test(line)).length
    expect(recovered).toBeGreaterThan(0)
  })

  it('retries through the delay queues while the SMTP server is down for 30 s', async () => {
    const count = 20
    const ids = idsFor('smtp-down', count)
    const catcher = stack.container('catcher')
    await catcher.stop({ t: 0 })
    const downAt = Date.now()
    try {
      await postMany(stack.apiUrl, count, simpleEmail('smtp-down'))
      await delay(Math.max(0, SMTP_OUTAGE_MS - (Date.now() - downAt)))
      expect((await loggedIds('retrying', ids)).size).toBe(count)
    } finally {
      await catcher.start()
      await stack.waitForCatcher()
    }

    const delivered = await waitForDelivery(() => stack.catcher, ids, 60_000)
    expect({ missing: delivered.missing, duplicated: delivered.duplicated }).toEqual({
      missing: [],
      duplicated: [],
    })
    const retries = parseLogFile(await stack.loggerFile()).filter(
      (record) => record.eventType === 'retrying' && ids.includes(record.emailId ?? ''),
    )
    // Every email went through the delay queues more than once, each retry with its reason.
    for (const id of ids) {
      const mine = retries.filter((record) => record.emailId === id)
      expect({ id, retries: mine.length >= 2 }).toEqual({ id, retries: true })
    }
    expect(retries.every((record) => (record.event?.reason ?? '') !== '')).toBe(true)
    await waitFor(
      'the logger to log every outcome',
      async () => ((await loggedIds('sent', ids)).size === count ? true : undefined),
      30_000,
    )
  })

  it('dead-letters a permanent 5xx rejection with the reason and delivers nothing', async () => {
    const count = 5
    const ids = idsFor('rejected', count)
    await stack.catcher.rejectRecipients(550)
    try {
      await postMany(stack.apiUrl, count, simpleEmail('rejected'))
      await waitFor(
        'dead-lettered events',
        async () => ((await loggedIds('dead-lettered', ids)).size === count ? true : undefined),
        30_000,
      )
    } finally {
      await stack.catcher.stopRejecting()
    }

    const connection = await stack.connectBroker()
    try {
      const channel = await connection.createChannel()
      const dead = new Map<string, Record<string, unknown>>()
      for (;;) {
        const message = await channel.get(QUEUES.deadLetter, { noAck: true })
        if (message === false) break
        const id = String(message.properties.messageId)
        if (ids.includes(id)) dead.set(id, message.properties.headers ?? {})
      }
      expect([...dead.keys()].sort()).toEqual([...ids].sort())
      for (const headers of dead.values()) {
        expect(String(headers[HEADERS.reason])).toMatch(/550/)
        expect(headers[HEADERS.smtpCode]).toBe(550)
        expect(headers[HEADERS.attempts]).toBe(1)
      }
    } finally {
      await connection.close()
    }
    const arrived = await stack.catcher.listAll()
    expect(arrived.filter((message) => message.MessageID.startsWith('rejected-'))).toEqual([])
  })
})
