import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import { batchSender, isRetryable, postBatch, postEmail } from './api-client'

const email = { to: ['ann@example.org'], cc: [], bcc: [], subject: 'Hi', text: 'Hello' }
let server: Server | undefined

function serve(handler: (req: IncomingMessage, body: string, res: ServerResponse) => void) {
  server = createServer((req, res) => {
    let body = ''
    req.on('data', (chunk: Buffer) => (body += chunk.toString()))
    req.on('end', () => handler(req, body, res))
  })
  return new Promise<string>((resolve) =>
    server!.listen(0, '127.0.0.1', () =>
      resolve(`http://127.0.0.1:${(server!.address() as AddressInfo).port}`),
    ),
  )
}

afterEach(async () => {
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)))
  server = undefined
})

async function failure(promise: Promise<unknown>): Promise<MaildockError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(error).toBeInstanceOf(MaildockError)
  return error as MaildockError
}

describe('postEmail', () => {
  it('posts the email as JSON with the Idempotency-Key and resolves with the id on 202', async () => {
    let seen: { key: unknown; body: unknown } | undefined
    const url = await serve((req, body, res) => {
      seen = { key: req.headers['idempotency-key'], body: JSON.parse(body) }
      res
        .writeHead(202, { 'content-type': 'application/json' })
        .end('{"id":"k-1","status":"accepted"}')
    })
    const accepted = await postEmail(url, email, 'k-1')
    expect(accepted.id).toBe('k-1')
    expect(seen).toEqual({ key: 'k-1', body: email })
  })

  it.each(['a\r\nX-Injected: 1', 'ü', 'has space', '', 'x'.repeat(129)])(
    'refuses the Idempotency-Key %j as INVALID_INPUT before any request',
    async (key) => {
      let requests = 0
      const url = await serve((_req, _body, res) => {
        requests += 1
        res.writeHead(202).end('{"id":"x"}')
      })
      const error = await failure(postEmail(url, email, key))
      expect(error.code).toBe('INVALID_INPUT')
      expect(error.message).toMatch(/^The Idempotency-Key must be 1-128 characters/)
      expect(error.message).not.toMatch(/not reachable/)
      expect(requests).toBe(0)
    },
  )

  it("turns a 4xx into INVALID_INPUT carrying the API's message", async () => {
    const url = await serve((_req, _body, res) =>
      res
        .writeHead(400)
        .end('{"error":"invalid_request","message":"to.0: is not a valid email address"}'),
    )
    const error = await failure(postEmail(url, email, 'k'))
    expect(error.code).toBe('INVALID_INPUT')
    expect(error.message).toBe(
      "The stack's API refused the email: to.0: is not a valid email address",
    )
    expect(isRetryable(error)).toBe(false)
  })

  it('turns a 503 into UNAVAILABLE saying the email was not sent', async () => {
    const url = await serve((_req, _body, res) =>
      res
        .writeHead(503)
        .end('{"error":"broker_unavailable","message":"not connected to the broker"}'),
    )
    const error = await failure(postEmail(url, email, 'k'))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toContain('NOT sent: not connected to the broker')
    expect(isRetryable(error)).toBe(true)
  })

  it('says the API is not reachable when the connection is refused', async () => {
    const url = await serve(() => undefined)
    await new Promise((resolve) => server!.close(resolve))
    server = undefined
    const error = await failure(postEmail(url, email, 'k'))
    expect(error.code).toBe('UNAVAILABLE')
    expect(error.message).toMatch(
      /is not reachable \(connection refused: is the stack running\?\); nothing was sent/,
    )
  })

  it('times out with a message that says resending with the same key is safe', async () => {
    const url = await serve(() => undefined)
    const error = await failure(postEmail(url, email, 'k', 200))
    expect(error.code).toBe('TIMEOUT')
    expect(error.message).toContain('sending again with the same key is safe')
  })
})

describe('postBatch', () => {
  const items = [
    { email, idempotencyKey: 'b-0' },
    { email: { ...email, to: ['bad'] }, idempotencyKey: 'b-1' },
    { email, idempotencyKey: 'b-2' },
  ]

  it('posts every email with its own key and maps each result, in order', async () => {
    let seen: { path: unknown; key: unknown; body: unknown } | undefined
    const url = await serve((req, body, res) => {
      seen = { path: req.url, key: req.headers['idempotency-key'], body: JSON.parse(body) }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          accepted: 1,
          rejected: 1,
          unavailable: 1,
          results: [
            { index: 0, status: 'accepted', id: 'b-0' },
            { index: 1, status: 'rejected', error: 'invalid_request', message: 'to.0: bad' },
            { index: 2, status: 'unavailable', id: 'b-2', message: 'NOT accepted (nack)' },
          ],
        }),
      )
    })
    const outcomes = await batchSender(url)(items)
    expect(seen).toEqual({
      path: '/emails/batch',
      key: undefined,
      body: {
        emails: items.map((item) => ({ ...item.email, idempotencyKey: item.idempotencyKey })),
      },
    })
    expect(outcomes).toEqual([
      { status: 'accepted', id: 'b-0' },
      { status: 'rejected', message: "The stack's API refused the email: to.0: bad" },
      { status: 'unavailable', message: 'NOT accepted (nack)' },
    ])
  })

  it('refuses an answer without one result per email', async () => {
    const url = await serve((_req, _body, res) =>
      res.writeHead(200).end('{"accepted":0,"rejected":0,"unavailable":0,"results":[]}'),
    )
    const error = await failure(postBatch(url, items))
    expect(error.code).toBe('INTERNAL')
  })

  it('says an older stack without the batch endpoint must be updated', async () => {
    const url = await serve((_req, _body, res) =>
      res.writeHead(404).end('{"error":"not_found","message":"no route POST /emails/batch"}'),
    )
    const error = await failure(postBatch(url, items))
    expect(error.message).toMatch(/no batch endpoint .* run "maildock up"/)
    expect(isRetryable(error)).toBe(false)
  })
})
