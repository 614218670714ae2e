// The HTTP side: the part of Mailpit's API (/api/v1) and health routes that MailDock uses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  allowedHostNames,
  isAllowedHost,
  misdirectedMessage,
} from '../../../../shared/allowed-host'
import { ChaosError, parseTriggers, type Chaos } from './chaos'
import type { SmtpStats } from './smtp'
import { summarize, type MessageStore, type StoredMessage } from './store'

export const CATCHER_VERSION = '1.0.0'
const MAX_BODY_BYTES = 1024 * 1024
const DEFAULT_PAGE_SIZE = 50

export interface HttpOptions {
  store: MessageStore
  chaos: Chaos
  stats: SmtpStats
  startedAt: number
  /** Host names answered besides the loopback names, as Mailpit's MP_ALLOWED_HOSTS. */
  allowedHosts?: string
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' })
  response.end(JSON.stringify(body))
}

function sendText(response: ServerResponse, status: number, text: string): void {
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' })
  response.end(text)
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large')
    chunks.push(chunk)
  }
  const text = Buffer.concat(chunks).toString('utf8').trim()
  if (text === '') return undefined
  try {
    return JSON.parse(text) as unknown
  } catch {
    throw new HttpError(400, 'invalid JSON body')
  }
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, 'invalid message id')
  }
}

function nonNegativeInteger(value: string | null, fallback: number): number {
  if (value === null || value === '') return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 0) throw new HttpError(400, `invalid number ${value}`)
  return number
}

/** Mailpit's message view (GET /api/v1/message/{ID}). */
function messageBody(message: StoredMessage) {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    From: message.From,
    To: message.To,
    Cc: message.Cc,
    Bcc: message.Bcc,
    ReplyTo: message.ReplyTo,
    ReturnPath: message.ReturnPath,
    Subject: message.Subject,
    ListUnsubscribe: { Header: '', Links: [], Errors: '', HeaderPost: '' },
    Date: message.Date ?? message.Created,
    Tags: [],
    Username: message.Username,
    Text: message.Text,
    HTML: message.HTML,
    Size: message.Size,
    Inline: message.Inline,
    Attachments: message.Attachments,
  }
}

function idsToDelete(body: unknown): string[] | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid body')
  const entry = Object.entries(body).find(([key]) => key.toLowerCase() === 'ids')
  if (entry === undefined) return undefined
  const ids: unknown = entry[1]
  if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string')) {
    throw new HttpError(400, 'IDs must be an array of strings')
  }
  return ids.length === 0 ? undefined : ids
}

export function createHttpServer(options: HttpOptions): Server {
  const { store, chaos, stats } = options
  const allowedHosts = allowedHostNames(options.allowedHosts)

  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!isAllowedHost(request.headers.host, allowedHosts)) {
      response.setHeader('connection', 'close')
      return sendText(response, 421, misdirectedMessage(request.headers.host))
    }
    const url = new URL(request.url ?? '/', 'http://catcher')
    const method = request.method ?? 'GET'
    const path = url.pathname.replace(/\/+$/, '') || '/'

    if (path === '/livez' || path === '/readyz') return sendText(response, 200, 'ok')
    if (path === '/api/v1/info' && method === 'GET') {
      return sendJson(response, 200, {
        Version: `maildock-catcher ${CATCHER_VERSION}`,
        LatestVersion: '',
        Database: 'memory',
        DatabaseSize: 0,
        Messages: store.size,
        Unread: store.unread,
        Tags: {},
        RuntimeStats: {
          Uptime: Math.round((Date.now() - options.startedAt) / 1000),
          Memory: process.memoryUsage().rss,
          MessagesDeleted: store.deletedCount,
          SMTPAccepted: stats.accepted,
          SMTPAcceptedSize: stats.acceptedBytes,
          SMTPRejected: stats.rejected,
          SMTPIgnored: 0,
        },
      })
    }
    if (path === '/api/v1/messages' && method === 'GET') {
      const start = nonNegativeInteger(url.searchParams.get('start'), 0)
      const limit = nonNegativeInteger(url.searchParams.get('limit'), DEFAULT_PAGE_SIZE)
      const messages = store.page(start, limit).map(summarize)
      return sendJson(response, 200, {
        total: store.size,
        unread: store.unread,
        count: messages.length,
        messages_count: store.size,
        start,
        tags: [],
        messages,
      })
    }
    if (path === '/api/v1/messages' && method === 'DELETE') {
      store.delete(idsToDelete(await readJson(request)))
      return sendText(response, 200, 'ok')
    }
    if (path === '/api/v1/chaos' && method === 'GET') return sendJson(response, 200, chaos.get())
    if (path === '/api/v1/chaos' && method === 'PUT') {
      const body = (await readJson(request)) ?? {}
      return sendJson(response, 200, chaos.set(parseTriggers(body)))
    }
    const messageRoute = /^\/api\/v1\/message\/([^/]+)(\/raw)?$/.exec(path)
    if (messageRoute !== null && method === 'GET') {
      const message = store.get(decodeId(messageRoute[1] ?? ''))
      if (message === undefined) throw new HttpError(404, 'message not found')
      if (messageRoute[2] !== undefined) {
        response.writeHead(200, { 'content-type': 'message/rfc822' })
        return void response.end(message.Raw)
      }
      message.Read = true
      return sendJson(response, 200, messageBody(message))
    }
    throw new HttpError(404, `not found: ${method} ${path}`)
  }

  return createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy()
      if (error instanceof HttpError) return sendText(response, error.status, error.message)
      if (error instanceof ChaosError) return sendText(response, 400, error.message)
      sendText(response, 500, error instanceof Error ? error.message : String(error))
    })
  })
}
