import { pino } from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { emailRequestSchema, type EmailRequest } from '../../../../shared/messages'
import { PublishError } from '../../../../shared/amqp-publisher'
import { buildServer } from './server'

const BODY_LIMIT = 64 * 1024
let published: EmailRequest[] = []
let brokerUp = true

const app = buildServer({
  log: pino({ level: 'silent' }),
  bodyLimitBytes: BODY_LIMIT,
  batch: { maxEmails: 5, bodyLimitBytes: BODY_LIMIT * 4 },
  publishRequest: (request) => {
    if (request.subject === 'nack me') {
      return Promise.reject(new PublishError('broker refused the message (nack)', 'nacked'))
    }
    if (!brokerUp)
      return Promise.reject(new PublishError('broker channel is closed', 'channel-closed'))
    published.push(request)
    return Promise.resolve()
  },
  health: () => ({ live: true, ready: brokerUp }),
})

afterEach(() => {
  published = []
  brokerUp = true
})

/** A batch answer read loosely, so a test can look at any result's fields. */
interface LooseBatch {
  accepted: number
  results: Array<{ index: number; status: string; id?: string; error?: string; message?: string }>
}

const post = (url: string, payload: string | object, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url,
    payload,
    headers: { 'content-type': 'application/json', ...headers },
  })

describe('POST /emails', () => {
  it('answers 202 with the id once the request is published', async () => {
    const response = await post('/emails', {
      to: 'ada@example.com',
      cc: ['bob@example.org'],
      subject: 'Hello',
      text: 'Hi',
      html: '<p>Hi</p>',
    })
    expect(response.statusCode).toBe(202)
    const { id } = response.json<{ id: string }>()
    expect(published).toHaveLength(1)
    expect(emailRequestSchema.parse(published[0])).toMatchObject({
      id,
      to: ['ada@example.com'],
      cc: ['bob@example.org'],
      bcc: [],
      html: '<p>Hi</p>',
    })
  })

  it('uses the Idempotency-Key as the email id', async () => {
    const headers = { 'idempotency-key': 'order-7:welcome' }
    const body = { to: 'ada@example.com', subject: 's', text: 't' }
    expect((await post('/emails', body, headers)).json()).toEqual({
      id: 'order-7:welcome',
      status: 'accepted',
    })
    const bad = await post('/emails', body, { 'idempotency-key': 'has spaces' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().message).toMatch(/^Idempotency-Key header must be/)
  })

  it('answers 503, never 202, when the broker cannot confirm', async () => {
    brokerUp = false
    const response = await post('/emails', { to: 'ada@example.com', subject: 's', text: 't' })
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('5')
    expect(response.json()).toMatchObject({ error: 'broker_unavailable' })
    expect(response.json().message).toMatch(/NOT accepted/)
  })

  it.each([
    ['malformed JSON', '{"to": ', 400, /not valid JSON/],
    ['a missing field', { to: 'ada@example.com', text: 't' }, 400, /subject: is required/],
    [
      'an invalid address',
      { to: 'ada@', subject: 's', text: 't' },
      400,
      /to.0: is not a valid email/,
    ],
    [
      'CR/LF in the subject',
      { to: 'a@b.co', subject: 'x\r\nBcc: e@f.gh', text: 't' },
      400,
      /subject: must not contain CR or LF/,
    ],
    [
      'CR/LF in an address',
      { to: 'a@b.co\r\n', subject: 's', text: 't' },
      400,
      /to.0: must not contain CR or LF/,
    ],
    ['a JSON array', [1, 2], 400, /expected object/],
    [
      'a deeply nested body',
      `{"to":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
      400,
      /nested deeper than 32 levels/,
    ],
    [
      'a poisoned prototype',
      '{"__proto__":{"x":1},"to":"a@b.co","subject":"s","text":"t"}',
      400,
      /not valid JSON/,
    ],
  ])('rejects %s with a 4xx naming the problem', async (_what, body, status, message) => {
    const response = await post('/emails', body)
    expect(response.statusCode).toBe(status)
    expect(response.json().message).toMatch(message)
    expect(published).toHaveLength(0)
  })

  it('rejects a body that is not JSON with 415', async () => {
    const response = await post('/emails', 'to=ada', { 'content-type': 'text/plain' })
    expect(response.statusCode).toBe(415)
    expect(response.json().message).toMatch(/Content-Type must be application\/json/)
  })

  it('rejects a body over the size limit with 413, and keeps serving', async () => {
    const huge = { to: 'a@b.co', subject: 's', text: 'x'.repeat(BODY_LIMIT + 1) }
    const response = await post('/emails', huge)
    expect(response.statusCode).toBe(413)
    expect(response.json().message).toMatch(`larger than the limit of ${BODY_LIMIT} bytes`)
    expect((await post('/emails', { to: 'a@b.co', subject: 's', text: 't' })).statusCode).toBe(202)
  })
})

describe('POST /emails/batch', () => {
  const email = (n: number, extra: object = {}) => ({
    to: `reader${n}@example.com`,
    subject: `Hello ${n}`,
    text: 'Hi',
    ...extra,
  })

  it('publishes every valid email and answers one result per email, in order', async () => {
    const response = await post('/emails/batch', {
      emails: [
        email(0, { idempotencyKey: 'batch-0' }),
        email(1, { to: 'not-an-address' }),
        email(2),
        email(3, { idempotencyKey: 'batch-0' }),
        email(4, { idempotencyKey: 'has spaces' }),
      ],
    })
    expect(response.statusCode).toBe(200)
    const body = response.json<LooseBatch>()
    expect(body).toMatchObject({ accepted: 2, rejected: 3, unavailable: 0 })
    expect(body.results.map((r) => r.status)).toEqual([
      'accepted',
      'rejected',
      'accepted',
      'rejected',
      'rejected',
    ])
    expect(body.results[0]).toEqual({ index: 0, status: 'accepted', id: 'batch-0' })
    expect(body.results[1]?.message).toMatch(/to.0: is not a valid email/)
    expect(body.results[3]).toMatchObject({ error: 'duplicate_key' })
    expect(body.results[4]?.message).toMatch(/^idempotencyKey must be/)
    expect(published.map((request) => request.id)).toEqual(['batch-0', body.results[2]?.id])
    expect(published[1]).toMatchObject({ to: ['reader2@example.com'], cc: [], bcc: [] })
  })

  it('reports an email the broker did not confirm as unavailable, the others accepted', async () => {
    const response = await post('/emails/batch', {
      emails: [email(0), email(1, { subject: 'nack me', idempotencyKey: 'k-1' })],
    })
    expect(response.statusCode).toBe(200)
    expect(response.json().results[1]).toMatchObject({ status: 'unavailable', id: 'k-1' })
    expect(response.json().results[1].message).toMatch(/NOT accepted.*nack/)
  })

  it('answers 503 when the broker stored none of them', async () => {
    brokerUp = false
    const response = await post('/emails/batch', { emails: [email(0), email(1)] })
    expect(response.statusCode).toBe(503)
    expect(response.headers['retry-after']).toBe('5')
    expect(response.json()).toMatchObject({ accepted: 0, unavailable: 2 })
  })

  it.each([
    ['a list instead of an object', [email(0)], /JSON object/],
    ['no emails field', { mails: [] }, /unknown field "mails"/],
    ['an empty list', { emails: [] }, /emails: is empty/],
    ['too many emails', { emails: [0, 1, 2, 3, 4, 5].map((n) => email(n)) }, /limit of 5/],
  ])('rejects %s with a 400 and publishes nothing', async (_what, body, message) => {
    const response = await post('/emails/batch', body)
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(message)
    expect(published).toHaveLength(0)
  })

  it('refuses an Idempotency-Key header, which could not say which email it keys', async () => {
    const response = await post('/emails/batch', { emails: [email(0)] }, { 'idempotency-key': 'k' })
    expect(response.statusCode).toBe(400)
    expect(response.json().message).toMatch(/give each email its own "idempotencyKey"/)
  })

  it('takes a body over the single-email limit, up to its own limit', async () => {
    const text = 'x'.repeat(BODY_LIMIT / 2)
    const fits = await post('/emails/batch', { emails: [0, 1, 2].map((n) => email(n, { text })) })
    expect(fits.statusCode).toBe(200)
    const huge = { emails: [email(0, { text: 'x'.repeat(BODY_LIMIT * 4) })] }
    const response = await post('/emails/batch', huge)
    expect(response.statusCode).toBe(413)
    expect(response.json().message).toMatch(`limit of ${BODY_LIMIT * 4} bytes`)
  })
})

describe('POST /send (the original shape)', () => {
  it('accepts {toaddr, subject, body}', async () => {
    const response = await post('/send', { toaddr: 'ada@example.com', subject: 'Hi', body: 'Text' })
    expect(response.statusCode).toBe(202)
    expect(published[0]).toMatchObject({ to: ['ada@example.com'], subject: 'Hi', text: 'Text' })
  })

  it('refuses an email with neither a subject nor a body (400), on both routes', async () => {
    const blank = await post('/emails', { to: 'ada@example.com', subject: ' ', text: '' })
    expect(blank.statusCode).toBe(400)
    expect(blank.json().message).toContain('has neither a subject nor a body')
    const legacy = await post('/send', { toaddr: 'ada@example.com', subject: '', body: '' })
    expect(legacy.statusCode).toBe(400)
    expect(published).toEqual([])
  })

  it('passes tags on to the emailer', async () => {
    const response = await post('/emails', {
      to: 'a@example.com',
      subject: 'T',
      text: '',
      tags: ['spring'],
    })
    expect(response.statusCode).toBe(202)
    expect(published[0]?.tags).toEqual(['spring'])
  })

  it('names what is missing', async () => {
    const response = await post('/send', { toaddr: 'ada@example.com' })
    expect(response.json().message).toBe('subject: is required; body: is required')
  })
})

describe('GET /health', () => {
  it('is 200 when live and ready, 503 while the broker is away', async () => {
    expect((await app.inject('/health')).statusCode).toBe(200)
    brokerUp = false
    const response = await app.inject('/health')
    expect(response.statusCode).toBe(503)
    expect(response.json()).toEqual({ live: true, ready: false })
    expect((await app.inject('/health/live')).statusCode).toBe(200)
    expect((await app.inject('/health/ready')).statusCode).toBe(503)
  })

  it('holds ?wait= while it has never been ready, and answers at once after', async () => {
    let ready = false
    let asked = 0
    const fresh = buildServer({
      log: pino({ level: 'silent' }),
      bodyLimitBytes: BODY_LIMIT,
      publishRequest: () => Promise.resolve(),
      health: () => ((asked += 1), { live: true, ready }),
    })
    const held = fresh.inject('/health?wait=5')
    await expect.poll(() => asked, { timeout: 5_000 }).toBeGreaterThan(1)
    ready = true
    expect((await held).statusCode).toBe(200)
    ready = false
    const before = asked
    expect((await fresh.inject('/health?wait=5')).statusCode).toBe(503)
    expect(asked).toBe(before + 1)
    await fresh.close()
  })

  it('answers unknown routes with a JSON 404', async () => {
    const response = await app.inject('/nope')
    expect(response.statusCode).toBe(404)
    expect(response.json().error).toBe('not_found')
  })
})

describe('Host guard (DNS rebinding)', () => {
  const body = { to: 'ada@example.com', subject: 's', text: 't' }

  it.each(['evil.example:5001', 'localhost.evil.example', '192.168.1.20:5001'])(
    'answers 421 to Host %s and publishes nothing',
    async (host) => {
      for (const [method, url] of [
        ['POST', '/emails'],
        ['POST', '/send'],
        ['GET', '/health'],
      ] as const) {
        const response = await app.inject({ method, url, payload: body, headers: { host } })
        expect(response.statusCode).toBe(421)
        expect(response.json()).toMatchObject({ error: 'misdirected_request' })
      }
      expect(published).toHaveLength(0)
    },
  )

  it.each(['127.0.0.1:5001', 'localhost:49153', '[::1]:5001', 'api:3000'])(
    'serves Host %s (any published port)',
    async (host) => {
      const response = await app.inject({
        method: 'POST',
        url: '/emails',
        payload: body,
        headers: { host },
      })
      expect(response.statusCode).toBe(202)
    },
  )
})
