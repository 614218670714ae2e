import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify'
import fastifyStatic from '@fastify/static'
import fastifyWebsocket from '@fastify/websocket'
import type { WebSocket } from 'ws'
import type { Sender } from '../lib/handlers'
import type { Router } from '../router'
import {
  MAX_FRAME_BYTES,
  MAX_SUBSCRIPTIONS,
  MESSAGE_DOCUMENT_PATH,
  parseMessageDocumentUrl,
  tooManySubscriptions,
  type MessageDocumentRequest,
} from '../../../shared/contract'
import { allowedOrigins, hostAllowed, newToken, tokensMatch } from './auth'
import { clientFrame } from './protocol'

export interface ServerOptions {
  router: Router
  /** Folder of the built renderer (index.html and assets). */
  rendererDir: string
  port?: number
  token?: string
  /** A client that falls this far behind is disconnected instead of buffered without limit. */
  maxBufferedBytes?: number
  /** The Mailbox's message documents (the core's), served with their own CSP. */
  messageDocument?: (
    request: MessageDocumentRequest,
    frameAncestors: string,
  ) => Promise<{ status: number; headers: Record<string, string>; body: string }>
}

export interface RunningServer {
  url: string
  origin: string
  port: number
  token: string
  app: FastifyInstance
  close(): Promise<void>
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  // The Mailbox's message documents (MESSAGE_DOCUMENT_PATH), each with its own stricter CSP.
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Browser mode: the renderer and one WebSocket carrying the contract, on 127.0.0.1 behind a token. */
export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const token = options.token ?? newToken()
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true })
  let port = 0

  // Only the WebSocket and the message documents need the token (in their URL): the page and its
  // assets hold no secret, and no cookie is set, since cookies are not scoped by port and would
  // reach every local server.
  const authorized = (request: FastifyRequest): boolean => {
    const path = request.url.split('?')[0] ?? ''
    if (path !== '/ws' && !path.startsWith(MESSAGE_DOCUMENT_PATH)) return true
    return tokensMatch(token, (request.query as Record<string, string | undefined>).token)
  }

  await app.register(fastifyWebsocket, { options: { maxPayload: MAX_FRAME_BYTES } })
  app.addHook('onRequest', async (request, reply) => {
    const origin = request.headers.origin
    if (!hostAllowed(request.headers.host, port)) {
      return reply.code(421).send({ code: 'FORBIDDEN_SENDER', message: 'Unexpected Host header' })
    }
    if (origin !== undefined && !allowedOrigins(port).has(origin)) {
      return reply
        .code(403)
        .send({ code: 'FORBIDDEN_SENDER', message: `Origin ${origin} is not allowed` })
    }
    if (!authorized(request)) {
      return reply.code(401).send({
        code: 'FORBIDDEN_SENDER',
        message: 'Missing or wrong token: open the URL MailDock printed',
      })
    }
    reply.header('Content-Security-Policy', CSP)
    reply.header('X-Content-Type-Options', 'nosniff')
    reply.header('Referrer-Policy', 'no-referrer')
  })

  app.get('/ws', { websocket: true }, (socket) =>
    serveSocket(socket, options.router, `http://127.0.0.1:${port}/`, maxBuffered),
  )

  const messageDocument = options.messageDocument
  if (messageDocument) {
    app.get(`${MESSAGE_DOCUMENT_PATH}*`, async (request, reply) => {
      const wanted = parseMessageDocumentUrl(request.url)
      if (wanted === null)
        return reply.code(404).send({ code: 'NOT_FOUND', message: 'No such message' })
      const document = await messageDocument(wanted, "'self'")
      return reply.code(document.status).headers(document.headers).send(document.body)
    })
  }

  if (existsSync(options.rendererDir)) {
    await app.register(fastifyStatic, { root: options.rendererDir, index: 'index.html' })
  } else {
    app.get('/', (_request, reply) =>
      reply.code(503).send({
        code: 'UNAVAILABLE',
        message: `The renderer is not built (${options.rendererDir}): run npm run build`,
      }),
    )
  }

  await app.listen({ host: '127.0.0.1', port: options.port ?? 0 })
  port = (app.server.address() as AddressInfo).port
  const origin = `http://127.0.0.1:${port}`
  return { url: `${origin}/#token=${token}`, origin, port, token, app, close: () => app.close() }
}

function serveSocket(socket: WebSocket, router: Router, url: string, maxBuffered: number): void {
  const sender: Sender = { url, isMainFrame: true }
  const subscriptions = new Map<string | number, () => void>()
  const send = (frame: unknown): void => {
    if (socket.readyState !== socket.OPEN) return
    if (socket.bufferedAmount > maxBuffered) {
      socket.close(1008, 'Client too slow: more than the send buffer limit is waiting')
      return
    }
    socket.send(JSON.stringify(frame))
  }

  socket.on('message', (raw) => {
    let frame
    try {
      frame = clientFrame.safeParse(JSON.parse((raw as Buffer).toString('utf8')))
    } catch {
      frame = undefined
    }
    if (!frame?.success) {
      send({
        type: 'error',
        id: null,
        error: { code: 'INVALID_INPUT', message: 'Malformed frame: expected JSON {type, id, ...}' },
      })
      return
    }
    const message = frame.data
    if (message.type === 'call') {
      void router
        .call(message.channel, message.input, { sender })
        .then((envelope) => send({ type: 'result', id: message.id, ...envelope }))
    } else if (message.type === 'subscribe') {
      subscriptions.get(message.id)?.()
      subscriptions.delete(message.id)
      if (subscriptions.size >= MAX_SUBSCRIPTIONS) {
        send({ type: 'error', id: message.id, error: tooManySubscriptions() })
        return
      }
      const unsubscribe = router.subscribe(message.event, message.input, { sender }, (m) => {
        if (m.type === 'data') send({ type: 'event', id: message.id, data: m.data })
        else if (m.type === 'error') send({ type: 'error', id: message.id, error: m.error })
        else send({ type: 'end', id: message.id })
        if (m.type !== 'data') subscriptions.delete(message.id)
      })
      subscriptions.set(message.id, unsubscribe)
    } else {
      subscriptions.get(message.id)?.()
      subscriptions.delete(message.id)
    }
  })

  socket.on('close', () => {
    for (const unsubscribe of subscriptions.values()) unsubscribe()
    subscriptions.clear()
  })
}
