import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  encodeMessage,
  HEADERS,
  outcomeEventSchema,
  QUEUES,
  type EmailRequest,
  type OutcomeEvent,
} from '../../../../shared/messages'
import { SentLedger } from './ledger'
import { EmailProcessor, type Delivery, type DeliveryContext } from './processor'
import type { Mailer } from './smtp'

const request: EmailRequest = {
  v: 1,
  id: 'mail-1',
  to: ['ada@example.com'],
  cc: [],
  bcc: [],
  subject: 'Hi',
  text: 'Hello',
  createdAt: '2026-01-01T00:00:00.000Z',
}
const log = pino({ level: 'silent' })

interface Published {
  exchange: string
  key: string
  content: Buffer
  headers: Record<string, unknown>
}

function fakeBroker(failPublishes = false) {
  const published: Published[] = []
  let acks = 0
  const context: DeliveryContext = {
    publisher: {
      publish(exchange, key, content, options) {
        if (failPublishes) return Promise.reject(new Error('channel closed'))
        published.push({ exchange, key, content, headers: options?.headers ?? {} })
        return Promise.resolve()
      },
    },
    ack: () => {
      acks += 1
    },
  }
  const events = () =>
    published
      .filter((message) => message.exchange === 'maildock.events')
      .map((message) => outcomeEventSchema.parse(JSON.parse(message.content.toString())))
  return { context, published, events, acks: () => acks }
}

function fakeMailer(behaviour: (request: EmailRequest) => Promise<void> = async () => {}) {
  const sent: string[] = []
  const mailer: Mailer = {
    async send(email, onEndOfData) {
      await behaviour(email)
      onEndOfData()
      sent.push(email.id)
      return {
        response: '250 2.0.0 Ok: queued',
        messageId: `<${email.id}@x>`,
        accepted: email.to,
        rejected: [],
      }
    },
    close() {},
  }
  return { mailer, sent }
}

function delivery(overrides: Partial<Delivery> = {}, email: EmailRequest = request): Delivery {
  return {
    content: encodeMessage(email),
    messageId: email.id,
    headers: {},
    redelivered: false,
    ...overrides,
  }
}

let dir: string
let ledger: SentLedger
function processor(
  mailer: Mailer,
  overrides: { onInterrupted?: 'assume-sent' | 'resend' | 'dead-letter'; replica?: string } = {},
) {
  return new EmailProcessor({
    config: {
      replica: overrides.replica ?? 'e1',
      retryDelaysMs: [100, 200],
      onInterrupted: overrides.onInterrupted ?? 'assume-sent',
      attemptStaleMs: 60_000,
    },
    ledger,
    mailer,
    log,
  })
}
const types = (events: OutcomeEvent[]) => events.map((event) => event.type)

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'processor-'))
  ledger = SentLedger.open({ dir, replica: 'e1', retentionMs: 60_000 })
})
afterEach(() => {
  ledger.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('EmailProcessor', () => {
  it('sends, records, publishes "sent" with the SMTP reply, then acks', async () => {
    const { mailer, sent } = fakeMailer()
    const broker = fakeBroker()
    await expect(processor(mailer).handle(delivery(), broker.context)).resolves.toBe('sent')
    expect(sent).toEqual(['mail-1'])
    expect(ledger.lookup('mail-1')?.kind).toBe('sent')
    const [event] = broker.events()
    expect(event).toMatchObject({ type: 'sent', eventId: 'mail-1.sent', attempt: 1 })
    expect(event?.type === 'sent' && event.smtp.response).toBe('250 2.0.0 Ok: queued')
    expect(broker.acks()).toBe(1)
  })

  it('does not send a redelivered id again, and republishes its outcome', async () => {
    const { mailer, sent } = fakeMailer()
    await processor(mailer).handle(delivery(), fakeBroker().context)
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(delivery({ redelivered: true }), broker.context)
    expect(outcome).toBe('duplicate')
    expect(sent).toEqual(['mail-1'])
    expect(types(broker.events())).toEqual(['sent'])
    expect(broker.acks()).toBe(1)
  })

  it('sends one email when two copies of an id arrive together', async () => {
    const { mailer, sent } = fakeMailer(() => new Promise((resolve) => setTimeout(resolve, 20)))
    const subject = processor(mailer)
    const outcomes = await Promise.all([
      subject.handle(delivery(), fakeBroker().context),
      subject.handle(delivery({ redelivered: true }), fakeBroker().context),
    ])
    expect(outcomes.sort()).toEqual(['duplicate', 'sent'])
    expect(sent).toHaveLength(1)
  })

  it('puts a transient failure in the delay queue for its attempt and reports "retrying"', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' })
    const { mailer } = fakeMailer(() => Promise.reject(refused))
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(
      delivery({ headers: { [HEADERS.attempts]: 1 } }),
      broker.context,
    )
    expect(outcome).toBe('retrying')
    const copy = broker.published.find((message) => message.exchange === '')
    expect(copy?.key).toBe('maildock.emailer.retry.200ms')
    expect(copy?.headers[HEADERS.attempts]).toBe(2)
    expect(copy?.headers[HEADERS.reason]).toMatch(/ECONNECTION/)
    expect(broker.events()).toMatchObject([{ type: 'retrying', attempt: 2, nextDelayMs: 200 }])
    expect(broker.acks()).toBe(1)
  })

  it('dead-letters with the reason once the delays are used up', async () => {
    const { mailer } = fakeMailer(() =>
      Promise.reject(Object.assign(new Error('x'), { code: 'ETIMEDOUT' })),
    )
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(
      delivery({ headers: { [HEADERS.attempts]: 2 } }),
      broker.context,
    )
    expect(outcome).toBe('dead-lettered')
    const copy = broker.published.find((message) => message.key === QUEUES.deadLetter)
    expect(copy?.headers[HEADERS.reason]).toMatch(/gave up after 3 attempts/)
    expect(types(broker.events())).toEqual(['failed', 'dead-lettered'])
  })

  it('dead-letters a permanent rejection at once with the SMTP code', async () => {
    const rejected = Object.assign(new Error('rejected'), {
      code: 'EENVELOPE',
      responseCode: 550,
      response: '550 5.7.1 recipient rejected',
    })
    const { mailer } = fakeMailer(() => Promise.reject(rejected))
    const broker = fakeBroker()
    await processor(mailer).handle(delivery(), broker.context)
    const copy = broker.published.find((message) => message.key === QUEUES.deadLetter)
    expect(copy?.headers).toMatchObject({
      [HEADERS.reason]: 'EENVELOPE: 550 5.7.1 recipient rejected',
      [HEADERS.smtpCode]: 550,
      [HEADERS.attempts]: 1,
    })
    expect(broker.events()).toMatchObject([
      { type: 'failed', permanent: true, smtpCode: 550 },
      { type: 'dead-lettered', queue: QUEUES.deadLetter },
    ])
  })

  it('keeps the manual-retry round on its copies and in its event ids', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNECTION' })
    const { mailer } = fakeMailer(() => Promise.reject(refused))
    const retrying = fakeBroker()
    await processor(mailer).handle(delivery({ headers: { [HEADERS.round]: 2 } }), retrying.context)
    const retryCopy = retrying.published.find((message) => message.exchange === '')
    expect(retryCopy?.headers).toMatchObject({ [HEADERS.round]: 2, [HEADERS.attempts]: 1 })
    expect(retrying.events().map((event) => event.eventId)).toEqual(['mail-1.retrying.1.r2'])

    const giveUp = fakeBroker()
    const last = { [HEADERS.round]: 2, [HEADERS.attempts]: 2 }
    await processor(mailer).handle(delivery({ headers: last }), giveUp.context)
    const deadCopy = giveUp.published.find((message) => message.key === QUEUES.deadLetter)
    expect(deadCopy?.headers[HEADERS.round]).toBe(2)
    expect(giveUp.events().map((event) => event.eventId)).toEqual([
      'mail-1.failed.r2',
      'mail-1.dead-lettered.r2',
    ])
  })

  it('dead-letters a message that is not a valid request', async () => {
    const { mailer, sent } = fakeMailer()
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(
      { content: Buffer.from('{"to":"x"}'), messageId: 'bad-1', headers: {}, redelivered: false },
      broker.context,
    )
    expect(outcome).toBe('dead-lettered')
    expect(sent).toEqual([])
    const copy = broker.published.find((message) => message.key === QUEUES.deadLetter)
    expect(copy?.headers[HEADERS.reason]).toMatch(/^invalid email request: /)
  })

  it('does not ack when the outcome cannot be published; the redelivery is not resent', async () => {
    const { mailer, sent } = fakeMailer()
    const broken = fakeBroker(true)
    await expect(processor(mailer).handle(delivery(), broken.context)).rejects.toThrow(/closed/)
    expect(broken.acks()).toBe(0)
    const broker = fakeBroker()
    await processor(mailer).handle(delivery({ redelivered: true }), broker.context)
    expect(sent).toEqual(['mail-1'])
    expect(types(broker.events())).toEqual(['sent'])
  })

  it('marks the end of data in the ledger before the send completes', async () => {
    const seen: string[] = []
    const mailer: Mailer = {
      send(email, onEndOfData) {
        seen.push(ledger.lookup(email.id)?.kind ?? 'none')
        onEndOfData()
        seen.push(ledger.lookup(email.id)?.kind ?? 'none')
        return Promise.reject(Object.assign(new Error('451 try later'), { responseCode: 451 }))
      },
      close() {},
    }
    await processor(mailer).handle(delivery(), fakeBroker().context)
    expect(seen).toEqual(['attempt', 'committing'])
    expect(ledger.lookup('mail-1')?.kind).toBe('failed')
  })

  it('treats a connection lost after the end of data like a crash there', async () => {
    const mailer: Mailer = {
      send(_email, onEndOfData) {
        onEndOfData()
        return Promise.reject(
          Object.assign(new Error('Connection closed'), { code: 'ECONNECTION' }),
        )
      },
      close() {},
    }
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(delivery(), broker.context)
    expect(outcome).toBe('assumed-sent')
    expect(broker.published.filter((message) => message.exchange === '')).toEqual([])
    expect(broker.events()).toMatchObject([{ type: 'sent', unconfirmed: true }])
  })

  it('sends again when an earlier attempt stopped before its end of data', async () => {
    ledger.recordAttempt('mail-1', 1)
    const { mailer, sent } = fakeMailer()
    await processor(mailer).handle(delivery({ redelivered: true }), fakeBroker().context)
    expect(sent).toEqual(['mail-1'])
  })

  it('counts an attempt cut off after its end of data as sent, unconfirmed (default)', async () => {
    ledger.recordAttempt('mail-1', 1)
    ledger.recordCommitting('mail-1', 1)
    const { mailer, sent } = fakeMailer()
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(delivery({ redelivered: true }), broker.context)
    expect(outcome).toBe('assumed-sent')
    expect(sent).toEqual([])
    expect(broker.events()).toMatchObject([{ type: 'sent', unconfirmed: true }])
    expect(ledger.lookup('mail-1')?.kind).toBe('sent')
    expect(broker.acks()).toBe(1)
  })

  it('sends such an email again with EMAILER_ON_INTERRUPTED=resend', async () => {
    ledger.recordCommitting('mail-1', 1)
    const { mailer, sent } = fakeMailer()
    await processor(mailer, { onInterrupted: 'resend' }).handle(
      delivery({ redelivered: true }),
      fakeBroker().context,
    )
    expect(sent).toEqual(['mail-1'])
  })

  it('dead-letters such an email with EMAILER_ON_INTERRUPTED=dead-letter', async () => {
    ledger.recordCommitting('mail-1', 1)
    const { mailer, sent } = fakeMailer()
    const broker = fakeBroker()
    const outcome = await processor(mailer, { onInterrupted: 'dead-letter' }).handle(
      delivery({ redelivered: true }),
      broker.context,
    )
    expect(outcome).toBe('dead-lettered')
    expect(sent).toEqual([])
    const copy = broker.published.find((message) => message.key === QUEUES.deadLetter)
    expect(copy?.headers[HEADERS.reason]).toMatch(/end of data/)
  })

  it("waits when another replica's attempt may still be running", async () => {
    const other = SentLedger.open({ dir, replica: 'e2', retentionMs: 60_000 })
    other.recordAttempt('mail-1', 1)
    const { mailer, sent } = fakeMailer()
    const broker = fakeBroker()
    const outcome = await processor(mailer).handle(delivery({ redelivered: true }), broker.context)
    expect(outcome).toBe('deferred')
    expect(sent).toEqual([])
    expect(broker.published[0]?.key).toBe('maildock.emailer.retry.100ms')
    expect(broker.acks()).toBe(1)
    other.close()
  })
})
