// The catcher in-process: real SMTP (nodemailer) in, Mailpit-shaped JSON out over real HTTP.
import { once } from 'node:events'
import { createServer, request as httpRequest } from 'node:http'
import type { AddressInfo } from 'node:net'
import nodemailer, { type SendMailOptions } from 'nodemailer'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { startCatcher, type Catcher } from './catcher'

interface Summary {
  ID: string
  MessageID: string
  From: { Name: string; Address: string }
  To: { Name: string; Address: string }[]
  Cc: { Name: string; Address: string }[]
  Bcc: { Name: string; Address: string }[]
  Subject: string
  Created: string
  Size: number
  Read: boolean
}

interface MessagesPage {
  total: number
  count: number
  start: number
  messages: Summary[]
}

let catcher: Catcher
let api: string

async function call(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${api}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
}

async function json<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await call(method, path, body)
  expect(response.status, await response.clone().text()).toBe(200)
  return (await response.json()) as T
}

function send(options: SendMailOptions, auth?: { user: string; pass: string }) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port: catcher.smtpPort,
    secure: false,
    ignoreTLS: true,
    ...(auth === undefined ? {} : { auth }),
  })
  return transport.sendMail({ from: 'Sender <sender@example.test>', ...options })
}

async function rejection(promise: Promise<unknown>): Promise<Error & { responseCode?: number }> {
  const error: unknown = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  )
  expect(error, 'sending should have failed').toBeInstanceOf(Error)
  return error as Error & { responseCode?: number }
}

beforeAll(async () => {
  catcher = await startCatcher({ maxMessages: 50 })
  api = `http://127.0.0.1:${catcher.httpPort}`
})

afterAll(async () => {
  await catcher.close()
})

beforeEach(async () => {
  await call('DELETE', '/api/v1/messages')
  await json('PUT', '/api/v1/chaos', {})
})

describe('catcher', () => {
  it('stores a message and lists it the way Mailpit does', async () => {
    const info = await send({
      to: 'Ann <ann@example.test>, bob@example.test',
      cc: 'carol@example.test',
      bcc: 'dave@example.test',
      subject: 'Hello catcher',
      text: 'plain body',
      html: '<p>html body</p>',
      messageId: '<abc-123@maildock.local>',
    })
    expect(info.response).toMatch(/^250 /)

    const page = await json<MessagesPage>('GET', '/api/v1/messages')
    expect(page).toMatchObject({ total: 1, count: 1, start: 0 })
    const [summary] = page.messages
    expect(summary).toMatchObject({
      MessageID: 'abc-123@maildock.local',
      From: { Name: 'Sender', Address: 'sender@example.test' },
      To: [
        { Name: 'Ann', Address: 'ann@example.test' },
        { Name: '', Address: 'bob@example.test' },
      ],
      Cc: [{ Name: '', Address: 'carol@example.test' }],
      Bcc: [{ Name: '', Address: 'dave@example.test' }],
      Subject: 'Hello catcher',
      Read: false,
    })
    expect(summary?.Size).toBeGreaterThan(100)
    expect(Date.now() - Date.parse(summary?.Created ?? '')).toBeLessThan(10_000)

    const message = await json<Summary & { Text: string; HTML: string }>(
      'GET',
      `/api/v1/message/${summary?.ID}`,
    )
    expect(message.Text.trim()).toBe('plain body')
    expect(message.HTML).toContain('<p>html body</p>')
    expect(message.ID).toBe(summary?.ID)

    const raw = await call('GET', `/api/v1/message/${summary?.ID}/raw`)
    expect(await raw.text()).toContain('Subject: Hello catcher')
    const after = await json<MessagesPage>('GET', '/api/v1/messages')
    expect(after.messages[0]?.Read).toBe(true)
  })

  it('lists newest first and pages with start and limit', async () => {
    for (const n of [1, 2, 3]) await send({ to: 'x@example.test', subject: `n${n}`, text: 'x' })
    const first = await json<MessagesPage>('GET', '/api/v1/messages?start=0&limit=2')
    expect(first.messages.map((message) => message.Subject)).toEqual(['n3', 'n2'])
    expect(first.total).toBe(3)
    const second = await json<MessagesPage>('GET', '/api/v1/messages?start=2&limit=2')
    expect(second.messages.map((message) => message.Subject)).toEqual(['n1'])
  })

  it('deletes all messages, or only the IDs given', async () => {
    for (const n of [1, 2, 3]) await send({ to: 'x@example.test', subject: `d${n}`, text: 'x' })
    const { messages } = await json<MessagesPage>('GET', '/api/v1/messages')
    const deleted = await call('DELETE', '/api/v1/messages', { IDs: [messages[0]?.ID] })
    expect(await deleted.text()).toBe('ok')
    const left = await json<MessagesPage>('GET', '/api/v1/messages')
    expect(left.messages.map((message) => message.Subject)).toEqual(['d2', 'd1'])

    expect((await call('DELETE', '/api/v1/messages')).status).toBe(200)
    expect((await json<MessagesPage>('GET', '/api/v1/messages')).total).toBe(0)
    expect((await call('GET', `/api/v1/message/${messages[1]?.ID}`)).status).toBe(404)
  })

  it('rejects recipients with 550 under chaos, then accepts again once reset', async () => {
    const triggers = await json<Record<string, unknown>>('PUT', '/api/v1/chaos', {
      Recipient: { ErrorCode: 550, Probability: 100 },
    })
    expect(triggers).toEqual({
      Sender: { ErrorCode: 451, Probability: 0 },
      Recipient: { ErrorCode: 550, Probability: 100 },
      Authentication: { ErrorCode: 535, Probability: 0 },
    })
    expect(await json('GET', '/api/v1/chaos')).toEqual(triggers)

    const error = await rejection(send({ to: 'x@example.test', subject: 'no', text: 'x' }))
    expect(error.responseCode).toBe(550)
    expect(error.message).toContain('Chaos recipient error')
    expect((await json<MessagesPage>('GET', '/api/v1/messages')).total).toBe(0)

    await json('PUT', '/api/v1/chaos', { Recipient: { ErrorCode: 451, Probability: 0 } })
    await send({ to: 'x@example.test', subject: 'yes', text: 'x' })
    const page = await json<MessagesPage>('GET', '/api/v1/messages')
    expect(page.messages.map((message) => message.Subject)).toEqual(['yes'])
  })

  it('fails the sender stage with a transient 451 and authentication with 535', async () => {
    await json('PUT', '/api/v1/chaos', { Sender: { ErrorCode: 451, Probability: 100 } })
    const sender = await rejection(send({ to: 'x@example.test', subject: 's', text: 'x' }))
    expect(sender.responseCode).toBe(451)

    await json('PUT', '/api/v1/chaos', { Authentication: { Probability: 100 } })
    const auth = await rejection(
      send({ to: 'x@example.test', subject: 'a', text: 'x' }, { user: 'u', pass: 'p' }),
    )
    expect(auth.responseCode).toBe(535)
  })

  it('accepts any credentials when chaos is off', async () => {
    await send({ to: 'x@example.test', subject: 'auth', text: 'x' }, { user: 'any', pass: 'thing' })
    const page = await json<MessagesPage & { messages: { Username: string }[] }>(
      'GET',
      '/api/v1/messages',
    )
    expect(page.messages[0]?.Username).toBe('any')
  })

  it('answers invalid chaos settings with 400 and keeps the old ones', async () => {
    await json('PUT', '/api/v1/chaos', { Recipient: { ErrorCode: 550, Probability: 100 } })
    const response = await call('PUT', '/api/v1/chaos', { Recipient: { ErrorCode: 200 } })
    expect(response.status).toBe(400)
    expect(await response.text()).toBe('error code must be between 400 and 599')
    const triggers = await json<{ Recipient: unknown }>('GET', '/api/v1/chaos')
    expect(triggers.Recipient).toEqual({ ErrorCode: 550, Probability: 100 })
  })

  it('serves health and info', async () => {
    expect(await (await call('GET', '/livez')).text()).toBe('ok')
    await send({ to: 'x@example.test', subject: 'i', text: 'x' })
    const info = await json<{ Messages: number; RuntimeStats: { SMTPAccepted: number } }>(
      'GET',
      '/api/v1/info',
    )
    expect(info.Messages).toBe(1)
    expect(info.RuntimeStats.SMTPAccepted).toBeGreaterThan(0)
    expect((await call('GET', '/api/v1/nothing')).status).toBe(404)
  })
})

describe('catcher search, tags, parts and checks', () => {
  it('searches by recipient, subject word and tag (X-Tags), newest first', async () => {
    await send({
      to: 'ann@example.test',
      subject: 'Spring sale',
      text: 'a',
      headers: { 'X-Tags': 'promo, spring' },
    })
    await send({ to: 'bob@example.test', subject: 'Invoice 42', text: 'b' })
    await send({ to: 'ann@example.test', subject: 'Invoice 43', text: 'c' })
    const search = (query: string) =>
      json<MessagesPage & { messages_count: number }>(
        'GET',
        `/api/v1/search?query=${encodeURIComponent(query)}`,
      )
    expect((await search('to:ann@example.test')).messages.map((m) => m.Subject)).toEqual([
      'Invoice 43',
      'Spring sale',
    ])
    expect((await search('subject:invoice -to:bob')).messages.map((m) => m.Subject)).toEqual([
      'Invoice 43',
    ])
    const tagged = await search('tag:promo')
    expect(tagged).toMatchObject({ total: 3, messages_count: 1, count: 1 })
    expect(tagged.messages[0]).toMatchObject({ Subject: 'Spring sale', Tags: ['promo', 'spring'] })
    expect((await call('GET', '/api/v1/search')).status).toBe(400)

    const info = await json<{ Tags: Record<string, number> }>('GET', '/api/v1/info')
    expect(info.Tags).toEqual({ promo: 1, spring: 1 })
    const id = tagged.messages[0]?.ID ?? ''
    expect(await (await call('PUT', '/api/v1/tags', { Tags: ['done'], IDs: [id] })).text()).toBe(
      'ok',
    )
    expect(await json('GET', '/api/v1/tags')).toEqual(['done'])

    expect((await call('DELETE', '/api/v1/search?query=subject:invoice')).status).toBe(200)
    expect(
      (await json<MessagesPage>('GET', '/api/v1/messages')).messages.map((m) => m.Subject),
    ).toEqual(['Spring sale'])
  })

  it('serves headers, the HTML and text views and attachments', async () => {
    await send({
      to: 'ann@example.test',
      subject: 'Parts',
      text: 'the text',
      html: '<div style="display:flex"><script>alert(1)</script>hi</div>',
      headers: { 'X-MailDock-Id': 'email-1' },
      attachments: [{ filename: 'note.txt', content: 'attached words', contentType: 'text/plain' }],
    })
    const [summary] = (await json<MessagesPage>('GET', '/api/v1/messages')).messages
    const id = summary?.ID ?? ''
    const headers = await json<Record<string, string[]>>('GET', `/api/v1/message/${id}/headers`)
    expect(headers['X-Maildock-Id']).toEqual(['email-1'])
    expect(headers.Subject).toEqual(['Parts'])
    expect(await (await call('GET', `/view/${id}.html`)).text()).toContain('display:flex')
    expect((await (await call('GET', `/view/${id}.txt`)).text()).trim()).toBe('the text')
    const message = await json<{ Attachments: { PartID: string; FileName: string }[] }>(
      'GET',
      `/api/v1/message/${id}`,
    )
    expect(message.Attachments).toMatchObject([{ FileName: 'note.txt' }])
    const part = await call('GET', `/api/v1/message/${id}/part/${message.Attachments[0]?.PartID}`)
    expect(await part.text()).toBe('attached words')
    expect((await call('GET', `/api/v1/message/${id}/part/99`)).status).toBe(404)

    const check = await json<{ Total: { Tests: number }; Warnings: { Slug: string }[] }>(
      'GET',
      `/api/v1/message/${id}/html-check`,
    )
    expect(check.Warnings.map((warning) => warning.Slug).sort()).toEqual([
      'css-display-flex',
      'html-script',
    ])
    expect(check.Total.Tests).toBeGreaterThan(0)
  })

  it('checks links on request (loopback server: one good, one missing)', async () => {
    const server = createServer((request, response) => {
      response.writeHead(request.url === '/ok' ? 200 : 404)
      response.end()
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      await send({
        to: 'a@example.test',
        subject: 'Links',
        text: `see ${base}/ok`,
        html: `<a href="${base}/gone">x</a>`,
      })
      const [summary] = (await json<MessagesPage>('GET', '/api/v1/messages')).messages
      const result = await json<{ Errors: number; Links: { URL: string; StatusCode: number }[] }>(
        'GET',
        `/api/v1/message/${summary?.ID}/link-check`,
      )
      expect(result.Errors).toBe(1)
      expect(result.Links.map((link) => [link.URL, link.StatusCode]).sort()).toEqual([
        [`${base}/gone`, 404],
        [`${base}/ok`, 200],
      ])
    } finally {
      server.close()
    }
  })
})

describe('catcher bounds', () => {
  it('keeps only the newest maxMessages', async () => {
    const small = await startCatcher({ maxMessages: 2 })
    try {
      const transport = nodemailer.createTransport({
        host: '127.0.0.1',
        port: small.smtpPort,
        ignoreTLS: true,
      })
      for (const n of [1, 2, 3]) {
        await transport.sendMail({ from: 'a@t.test', to: 'b@t.test', subject: `b${n}`, text: 'x' })
      }
      const response = await fetch(`http://127.0.0.1:${small.httpPort}/api/v1/messages`)
      const page = (await response.json()) as MessagesPage
      expect(page.total).toBe(2)
      expect(page.messages.map((message) => message.Subject)).toEqual(['b3', 'b2'])
    } finally {
      await small.close()
    }
  })
})

describe('Host guard (DNS rebinding)', () => {
  const withHost = (host: string, method = 'GET', path = '/api/v1/messages', port?: number) =>
    new Promise<number>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port: port ?? catcher.httpPort, method, path, headers: { host } },
        (response) => {
          response.resume()
          resolve(response.statusCode ?? 0)
        },
      )
      request.on('error', reject)
      request.end()
    })

  it('answers 421 to a foreign Host, for reads and deletes alike, and keeps the mail', async () => {
    await send({ to: 'kept@example.test', subject: 'kept', text: 'x' })
    expect(await withHost('evil.example:8025')).toBe(421)
    expect(await withHost('evil.example', 'DELETE')).toBe(421)
    expect(await withHost('localhost.evil.example:8025', 'GET', '/api/v1/info')).toBe(421)
    expect((await json<MessagesPage>('GET', '/api/v1/messages')).total).toBe(1)
  })

  it('serves the loopback names on any port, and the names MP_ALLOWED_HOSTS adds', async () => {
    for (const host of ['127.0.0.1:8025', 'localhost:49153', '[::1]:8025']) {
      expect(await withHost(host)).toBe(200)
    }
    expect(await withHost('catcher:8025')).toBe(421)
    const aliased = await startCatcher({ allowedHosts: 'catcher' })
    try {
      const status = await withHost('catcher:8025', 'GET', '/livez', aliased.httpPort)
      expect(status).toBe(200)
    } finally {
      await aliased.close()
    }
  })
})
