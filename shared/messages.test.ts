import { describe, expect, it } from 'vitest'
import {
  declareTopology,
  decodeEmailRequest,
  decodeOutcomeEvent,
  describeIssues,
  describeTopology,
  encodeMessage,
  EXCHANGES,
  legacySendInputSchema,
  outcomeEventId,
  parseRetryDelays,
  QUEUES,
  retryQueueName,
  sendEmailInputSchema,
  type EmailRequest,
  type TopologyChannel,
} from './messages'

function problems(body: unknown): string {
  const parsed = sendEmailInputSchema.safeParse(body)
  return parsed.success ? 'ok' : describeIssues(parsed.error)
}

const request: EmailRequest = {
  v: 1,
  id: 'order-42',
  to: ['ada@example.com'],
  cc: [],
  bcc: ['audit@example.com'],
  subject: 'Hello',
  text: 'Hi',
  createdAt: '2026-01-02T03:04:05.000Z',
}

describe('send email input', () => {
  it('accepts one address or a list and normalises to lists', () => {
    const parsed = sendEmailInputSchema.parse({
      to: 'ada@example.com',
      cc: ['bob@example.org', 'eve@example.net'],
      subject: 's',
      text: 't',
    })
    expect(parsed.to).toEqual(['ada@example.com'])
    expect(parsed.cc).toEqual(['bob@example.org', 'eve@example.net'])
    expect(parsed.bcc).toBeUndefined()
  })

  it('names each problem with its field', () => {
    expect(problems({ subject: 's' })).toBe('to: is required; text: is required')
    expect(problems({ to: 'not-an-address', subject: 's', text: '' })).toBe(
      'to.0: is not a valid email address',
    )
    expect(problems({ to: [], subject: 's', text: '' })).toBe('to: needs an address')
    expect(problems({ to: 'a@b.co', subject: 7, text: '' })).toBe('subject: must be a string')
    expect(problems({ to: 'a@b.co', subject: 's', text: '', from: 'x' })).toMatch(/from/)
  })

  it('rejects CR or LF in a subject or an address (header injection)', () => {
    expect(problems({ to: 'a@b.co', subject: 'hi\r\nBcc: x@y.z', text: '' })).toBe(
      'subject: must not contain CR or LF',
    )
    expect(problems({ to: 'a@b.co\nBcc: x@y.z', subject: 's', text: '' })).toBe(
      'to.0: must not contain CR or LF',
    )
  })

  it('limits the number of recipients', () => {
    const many = Array.from({ length: 60 }, (_, index) => `user${index}@example.com`)
    expect(problems({ to: many, cc: many, subject: 's', text: '' })).toMatch(/more than 100/)
  })

  it('keeps the original POST /send shape', () => {
    expect(
      legacySendInputSchema.safeParse({ toaddr: 'a@b.co', subject: 's', body: 'b' }).success,
    ).toBe(true)
    expect(
      legacySendInputSchema.safeParse({ toaddr: ['a@b.co'], subject: 's', body: 'b' }).success,
    ).toBe(false)
  })
})

describe('wire messages', () => {
  it('round-trips an email request', () => {
    expect(decodeEmailRequest(encodeMessage(request))).toEqual({ ok: true, value: request })
  })

  it('explains why a message is rejected', () => {
    expect(decodeEmailRequest(Buffer.from('{nope'))).toEqual({
      ok: false,
      error: 'body is not valid JSON',
    })
    const withoutId = decodeEmailRequest(Buffer.from(JSON.stringify({ ...request, id: 'a b' })))
    expect(withoutId.ok).toBe(false)
    expect(withoutId.ok ? '' : withoutId.error).toMatch(/^id: /)
  })

  it('validates outcome events by type', () => {
    const retrying = {
      v: 1,
      type: 'retrying',
      eventId: outcomeEventId('order-42', 'retrying', 2),
      emailId: 'order-42',
      at: request.createdAt,
      service: 'emailer',
      replica: 'e1',
      attempt: 2,
      reason: 'ECONNECTION: connect ECONNREFUSED',
      nextDelayMs: 30_000,
      retryAt: request.createdAt,
    }
    expect(decodeOutcomeEvent(Buffer.from(JSON.stringify(retrying))).ok).toBe(true)
    expect(retrying.eventId).toBe('order-42.retrying.2')
    const { nextDelayMs: _dropped, ...incomplete } = retrying
    expect(decodeOutcomeEvent(Buffer.from(JSON.stringify(incomplete))).ok).toBe(false)
  })
})

describe('retry delays', () => {
  it('defaults to 5 s, 30 s, 2 min, 10 min and parses an override', () => {
    expect(parseRetryDelays(undefined)).toEqual([5000, 30000, 120000, 600000])
    expect(parseRetryDelays(' 100, 200 ')).toEqual([100, 200])
    expect(() => parseRetryDelays('100,abc')).toThrow(/positive integers/)
    expect(() => parseRetryDelays('0')).toThrow()
  })
})

describe('topology', () => {
  it('fans requests out to the emailer and logger and routes events to the logger', () => {
    const topology = describeTopology({ retryDelaysMs: [1000, 2000] })
    expect(topology.exchanges).toEqual([
      { name: EXCHANGES.requests, type: 'fanout' },
      { name: EXCHANGES.events, type: 'topic' },
    ])
    expect(topology.bindings).toContainEqual({
      queue: QUEUES.emailer,
      exchange: EXCHANGES.requests,
      pattern: '',
    })
    expect(topology.bindings).toContainEqual({
      queue: QUEUES.logger,
      exchange: EXCHANGES.events,
      pattern: 'email.#',
    })
    expect(topology.queues.map((queue) => queue.name)).not.toContain(QUEUES.app)
  })

  it('declares delay queues that dead-letter back to the emailer queue', () => {
    const delay = describeTopology({ retryDelaysMs: [1500] }).queues.find(
      (queue) => queue.name === retryQueueName(1500),
    )
    expect(delay?.arguments).toEqual({
      'x-message-ttl': 1500,
      'x-dead-letter-exchange': '',
      'x-dead-letter-routing-key': QUEUES.emailer,
    })
  })

  it('declares quorum queues with a delivery limit when asked, classic ones by default', () => {
    const quorum = describeTopology({ queueType: 'quorum', retryDelaysMs: [1500], appQueue: true })
    for (const queue of quorum.queues) expect(queue.arguments['x-queue-type']).toBe('quorum')
    const emailer = quorum.queues.find((queue) => queue.name === QUEUES.emailer)
    expect(emailer?.arguments).toMatchObject({
      'x-delivery-limit': 20,
      'x-dead-letter-routing-key': QUEUES.deadLetter,
    })
    const classic = describeTopology({ retryDelaysMs: [1500] })
    for (const queue of classic.queues) expect(queue.arguments['x-queue-type']).toBeUndefined()
  })

  it('adds the app queue, bound to requests and events, only when asked', () => {
    const topology = describeTopology({ appQueue: true })
    expect(topology.queues.map((queue) => queue.name)).toContain(QUEUES.app)
    expect(topology.bindings.filter((binding) => binding.queue === QUEUES.app)).toHaveLength(2)
  })

  it('declares everything durable on a channel, exchanges before bindings', async () => {
    const calls: string[] = []
    const channel: TopologyChannel = {
      assertExchange: (name, type, options) =>
        Promise.resolve(calls.push(`x ${name} ${type} ${options.durable}`)),
      assertQueue: (name, options) => Promise.resolve(calls.push(`q ${name} ${options.durable}`)),
      bindQueue: (queue, exchange, pattern) =>
        Promise.resolve(calls.push(`b ${queue} ${exchange} ${pattern}`)),
    }
    await declareTopology(channel, { retryDelaysMs: [10] })
    expect(calls[0]).toBe('x maildock.requests fanout true')
    expect(calls).toContain('q maildock.emailer.retry.10ms true')
    expect(calls).toContain('q maildock.dead-letter true')
    expect(calls.findIndex((call) => call.startsWith('b'))).toBeGreaterThan(
      calls.findLastIndex((call) => call.startsWith('q')),
    )
  })
})
