import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { request } from 'node:http'
import WebSocket from 'ws'
import type { ChannelHandlers, EventHandlers, EventSink } from '../lib/handlers'
import { createRouter } from '../router'
import { startServer, type RunningServer } from './server'
import {
  MAX_SUBSCRIPTIONS,
  tooManySubscriptions,
  type EngineStatus,
} from '../../../shared/contract'

const status: EngineStatus = {
  state: 'unreachable',
  endpoint: { kind: 'socket', address: 'unix:///nope.sock', source: 'test' },
  error: 'gone',
  checkedAt: 1,
}

let server: RunningServer

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'maildock-renderer-'))
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>MailDock</title>')
  let origin = ''
  const router = createRouter({
    channels: {
      'engine:status': () => status,
      'engine:retry': () => status,
      'mail:csv-preview': () => ({
        columns: ['email'],
        rows: [],
        totalRows: 0,
        delimiter: ',',
        problems: [],
        suggested: {},
      }),
    } as unknown as ChannelHandlers,
    events: {
      'engine:changed': (_input: unknown, sink: EventSink<'engine:changed'>) =>
        new Promise<void>((resolve) => {
          sink.emit(status)
          sink.signal.addEventListener('abort', () => resolve())
        }),
    } as unknown as EventHandlers,
    isTrustedSender: (sender) => sender.url.startsWith(`${origin}/`),
  })
  server = await startServer({ router, rendererDir: dir })
  origin = server.origin
})

afterAll(() => server.close())

function openSocket(
  headers: Record<string, string>,
  query = `?token=${server.token}`,
): Promise<WebSocket> {
  const socket = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`, { headers })
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)))
    socket.once('error', reject)
  })
}

function collect(socket: WebSocket): Array<Record<string, unknown>> {
  const frames: Array<Record<string, unknown>> = []
  socket.on('message', (raw) =>
    frames.push(JSON.parse((raw as Buffer).toString('utf8')) as Record<string, unknown>),
  )
  return frames
}

async function waitFor(test: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !test(); i++) await new Promise((r) => setTimeout(r, 50))
  expect(test()).toBe(true)
}

function nextFrame(socket: WebSocket): Promise<Record<string, unknown>> {
  return new Promise((resolve) =>
    socket.once('message', (raw) =>
      resolve(JSON.parse((raw as Buffer).toString('utf8')) as Record<string, unknown>),
    ),
  )
}

describe('browser mode server', () => {
  it('binds to 127.0.0.1 and prints a URL with the token in the fragment', () => {
    expect(server.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#token=[\\w-]{32}$`),
    )
  })

  it('serves the page with a strict CSP and never sets a cookie (cookies reach every port)', async () => {
    for (const url of [`${server.origin}/`, `${server.origin}/?token=${server.token}`]) {
      const res = await fetch(url)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'")
      expect(res.headers.get('set-cookie')).toBeNull()
    }
  })

  it('takes the token only in the WebSocket URL, not from a cookie', async () => {
    await expect(
      openSocket({ origin: server.origin, cookie: `maildock_token=${server.token}` }, ''),
    ).rejects.toThrow('HTTP 401')
    await expect(openSocket({ origin: server.origin }, '?token=wrong')).rejects.toThrow('HTTP 401')
  })

  it('refuses a request whose Host is not the loopback server (DNS rebinding)', async () => {
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(server.url, { headers: { host: 'evil.example' } }, (res) => {
        res.resume()
        resolve(res.statusCode)
      })
      req.on('error', reject).end()
    })
    expect(status).toBe(421)
  })

  it('refuses a WebSocket from another Origin, even with the token', async () => {
    await expect(openSocket({ origin: 'https://evil.example' })).rejects.toThrow('HTTP 403')
  })

  it('refuses a WebSocket without the token', async () => {
    await expect(openSocket({ origin: server.origin }, '')).rejects.toThrow('HTTP 401')
  })

  it('answers calls, streams events and reports malformed frames', async () => {
    const socket = await openSocket({ origin: server.origin })
    socket.send(JSON.stringify({ type: 'call', id: 1, channel: 'engine:status', input: {} }))
    expect(await nextFrame(socket)).toEqual({ type: 'result', id: 1, ok: true, result: status })

    socket.send(JSON.stringify({ type: 'call', id: 2, channel: 'engine:status', input: { x: 1 } }))
    const invalid = await nextFrame(socket)
    expect(invalid).toMatchObject({
      type: 'result',
      id: 2,
      ok: false,
      error: { code: 'INVALID_INPUT' },
    })

    socket.send('{not json')
    expect(await nextFrame(socket)).toMatchObject({
      type: 'error',
      error: { code: 'INVALID_INPUT' },
    })

    socket.send(JSON.stringify({ type: 'subscribe', id: 's1', event: 'engine:changed', input: {} }))
    expect(await nextFrame(socket)).toEqual({ type: 'event', id: 's1', data: status })
    socket.send(JSON.stringify({ type: 'unsubscribe', id: 's1' }))
    socket.close()
  })

  it('answers a 10 MiB frame with an envelope and keeps the other calls going', async () => {
    const socket = await openSocket({ origin: server.origin })
    const frames = collect(socket)
    const csv = `email\n${'a@example.org\n'.repeat(800_000)}`
    socket.send(
      JSON.stringify({ type: 'call', id: 1, channel: 'mail:csv-preview', input: { csv } }),
    )
    socket.send(JSON.stringify({ type: 'call', id: 2, channel: 'engine:status', input: {} }))
    await waitFor(() => frames.length >= 2)
    expect(frames).toContainEqual(expect.objectContaining({ id: 1, type: 'result' }))
    expect(frames).toContainEqual({ type: 'result', id: 2, ok: true, result: status })
    expect(socket.readyState).toBe(WebSocket.OPEN)
    socket.close()
  }, 60_000)

  it(`refuses more than ${MAX_SUBSCRIPTIONS} live subscriptions on one socket, clearly`, async () => {
    const socket = await openSocket({ origin: server.origin })
    const frames = collect(socket)
    for (let id = 0; id <= MAX_SUBSCRIPTIONS; id++)
      socket.send(JSON.stringify({ type: 'subscribe', id, event: 'engine:changed', input: {} }))
    await waitFor(() => frames.length > MAX_SUBSCRIPTIONS)
    const refused = frames.filter((frame) => frame.type === 'error')
    expect(refused).toEqual([
      { type: 'error', id: MAX_SUBSCRIPTIONS, error: tooManySubscriptions() },
    ])
    socket.send(JSON.stringify({ type: 'unsubscribe', id: 0 }))
    socket.send(
      JSON.stringify({ type: 'subscribe', id: 'again', event: 'engine:changed', input: {} }),
    )
    await waitFor(() => frames.some((frame) => frame.id === 'again'))
    expect(frames.find((frame) => frame.id === 'again')?.type).toBe('event')
    socket.close()
  })
})

describe('message documents (the Mailbox HTML frame)', () => {
  it('serves them behind the token, with their own headers, and nothing else under the path', async () => {
    const asked: unknown[] = []
    const documents = await startServer({
      router: createRouter({
        channels: {} as ChannelHandlers,
        events: {} as EventHandlers,
        isTrustedSender: () => false,
      }),
      rendererDir: '/nonexistent',
      messageDocument: (request, frameAncestors) => {
        asked.push({ ...request, frameAncestors })
        return Promise.resolve({
          status: 200,
          headers: { 'Content-Security-Policy': "default-src 'none'; sandbox" },
          body: '<p>hi</p>',
        })
      },
    })
    try {
      const url = `${documents.origin}/mailbox/document/abc_1`
      expect((await fetch(url)).status).toBe(401)
      expect((await fetch(`${url}?token=wrong`)).status).toBe(401)
      const ok = await fetch(`${url}?remote=1&token=${documents.token}`)
      expect(ok.status).toBe(200)
      expect(ok.headers.get('content-security-policy')).toBe("default-src 'none'; sandbox")
      expect(await ok.text()).toBe('<p>hi</p>')
      expect(asked).toEqual([{ id: 'abc_1', allowRemoteImages: true, frameAncestors: "'self'" }])
      const odd = await fetch(`${documents.origin}/mailbox/document/a%2Fb?token=${documents.token}`)
      expect(odd.status).toBe(404)
      expect(asked).toHaveLength(1)
    } finally {
      await documents.close()
    }
  })

  it('lets the app page frame only its own origin', async () => {
    const csp = (await fetch(server.origin)).headers.get('content-security-policy') ?? ''
    expect(csp).toContain("frame-src 'self'")
  })
})
