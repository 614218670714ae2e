// The HTTP side: the part of Mailpit's API (/api/v1) and health routes that MailDock uses.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import {
  allowedHostNames,
  isAllowedHost,
  misdirectedMessage,
} from '../../../../shared/allowed-host'
import { ChaosError, parseTriggers, type Chaos } from './chaos'
import type { SmtpStats } from './smtp'
import { htmlCheck, linkCheck } from './checks'
import { matcher } from './search'
import { summarize, type Entry, type MessageStore, type StoredMessage } from './store'
import { errorMessage } from '../../../../shared/error-message'

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
    Tags: message.Tags,
    Username: message.Username,
    Text: message.Text,
    HTML: message.HTML,
    Size: message.Size,
    Inline: message.Inline,
    Attachments: message.Attachments,
  }
}

function decodeId(raw: string): string {
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, 'invalid message id')
  }
}

/** A list of strings from a JSON body field, matched case-insensitively as Go's encoding/json does. */
function stringList(body: unknown, field: string): string[] | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid body')
  const entry = Object.entries(body).find(([key]) => key.toLowerCase() === field.toLowerCase())
  if (entry === undefined || entry[1] === null) return undefined
  const list: unknown = entry[1]
  if (!Array.isArray(list) || !list.every((item): item is string => typeof item === 'string')) {
    throw new HttpError(400, `${field} must be an array of strings`)
  }
  return list
}

function idsToDelete(body: unknown): string[] | undefined {
  const ids = stringList(body, 'IDs')
  return ids === undefined || ids.length === 0 ? undefined : ids
}

interface Request {
  url: URL
  match: RegExpExecArray
  request: IncomingMessage
  response: ServerResponse
}

type Handler = (request: Request) => Promise<void> | void

interface Route {
  method: string
  path: RegExp
  handler: Handler
}

/** Mailpit's list answer (GET /api/v1/messages and /api/v1/search): only its page is parsed. */
async function listAnswer(store: MessageStore, url: URL, found: StoredMessage[] | undefined) {
  const start = nonNegativeInteger(url.searchParams.get('start'), 0)
  const limit = nonNegativeInteger(url.searchParams.get('limit'), DEFAULT_PAGE_SIZE)
  const messages = (
    found === undefined
      ? await store.parsed(store.page(start, limit))
      : found.slice(start, start + limit)
  ).map(summarize)
  return {
    total: store.size,
    unread: store.unread,
    count: messages.length,
    messages_count: found === undefined ? store.size : found.length,
    start,
    tags: Object.keys(store.tagCounts()),
    messages,
  }
}

/** A search parses (once each) the messages its tag and read terms leave, then matches them. */
async function searchResults(store: MessageStore, url: URL): Promise<StoredMessage[]> {
  const query = url.searchParams.get('query') ?? ''
  if (query.trim() === '') throw new HttpError(400, 'no search query')
  const { beforeParse, matches } = matcher(query)
  const candidates = await store.parsed(store.filter(beforeParse))
  return candidates.filter(matches)
}

function sendBytes(response: ServerResponse, type: string, bytes: Buffer | string): void {
  response.writeHead(200, { 'content-type': type })
  response.end(bytes)
}

function infoAnswer(options: HttpOptions) {
  const { store, stats } = options
  return {
    Version: `maildock-catcher ${CATCHER_VERSION}`,
    LatestVersion: '',
    Database: 'memory',
    DatabaseSize: 0,
    Messages: store.size,
    Unread: store.unread,
    Tags: store.tagCounts(),
    RuntimeStats: {
      Uptime: Math.round((Date.now() - options.startedAt) / 1000),
      Memory: process.memoryUsage().rss,
      MessagesDeleted: store.deletedCount,
      SMTPAccepted: stats.accepted,
      SMTPAcceptedSize: stats.acceptedBytes,
      SMTPRejected: stats.rejected,
      SMTPIgnored: 0,
    },
  }
}

const json =
  (handler: (request: Request) => unknown): Handler =>
  async (request) =>
    sendJson(request.response, 200, await handler(request))

const ok =
  (handler: (request: Request) => unknown): Handler =>
  async (request) => {
    await handler(request)
    sendText(request.response, 200, 'ok')
  }

function mailboxRoutes(options: HttpOptions): Route[] {
  const { store, chaos } = options
  return [
    { method: 'GET', path: /^\/(livez|readyz)$/, handler: ok(() => undefined) },
    { method: 'GET', path: /^\/api\/v1\/info$/, handler: json(() => infoAnswer(options)) },
    {
      method: 'GET',
      path: /^\/api\/v1\/messages$/,
      handler: json(({ url }) => listAnswer(store, url, undefined)),
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/messages$/,
      handler: ok(async ({ request }) => store.delete(idsToDelete(await readJson(request)))),
    },
    {
      method: 'PUT',
      path: /^\/api\/v1\/messages$/,
      handler: ok(async ({ request }) => {
        const body = await readJson(request)
        const read = (body as { Read?: unknown } | undefined)?.Read === true
        const ids = stringList(body, 'IDs') ?? []
        for (const found of ids.length === 0
          ? store.filter(() => true)
          : ids.map((i) => store.get(i))) {
          if (found !== undefined) found.Read = read
        }
      }),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/search$/,
      handler: json(async ({ url }) => listAnswer(store, url, await searchResults(store, url))),
    },
    {
      method: 'DELETE',
      path: /^\/api\/v1\/search$/,
      handler: ok(async ({ url }) =>
        store.delete((await searchResults(store, url)).map((m) => m.ID)),
      ),
    },
    {
      method: 'GET',
      path: /^\/api\/v1\/tags$/,
      handler: json(() => Object.keys(store.tagCounts())),
    },
    {
      method: 'PUT',
      path: /^\/api\/v1\/tags$/,
      handler: ok(async ({ request }) => {
        const body = await readJson(request)
        store.setTags(stringList(body, 'IDs') ?? [], stringList(body, 'Tags') ?? [])
      }),
    },
    { method: 'GET', path: /^\/api\/v1\/chaos$/, handler: json(() => chaos.get()) },
    {
      method: 'PUT',
      path: /^\/api\/v1\/chaos$/,
      handler: json(async ({ request }) =>
        chaos.set(parseTriggers((await readJson(request)) ?? {})),
      ),
    },
  ]
}

function messageRoutes(store: MessageStore): Route[] {
  const entry = ({ match }: Request): Entry => {
    const found = store.get(decodeId(match[1] ?? ''))
    if (found === undefined) throw new HttpError(404, 'message not found')
    return found
  }
  const message = async (request: Request): Promise<StoredMessage> => {
    const [parsed] = await store.parsed([entry(request)])
    if (parsed === undefined) throw new HttpError(404, 'message not found')
    return parsed
  }
  const id = '([^/]+)'
  return [
    {
      method: 'GET',
      path: new RegExp(`^/api/v1/message/${id}$`),
      handler: json(async (request) => {
        const found = await message(request)
        found.Read = true
        return messageBody(found)
      }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/v1/message/${id}/headers$`),
      handler: json((request) => entry(request).Headers),
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/v1/message/${id}/raw$`),
      handler: (request) =>
        sendBytes(request.response, 'text/plain; charset=utf-8', entry(request).Raw),
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/v1/message/${id}/part/([^/]+)$`),
      handler: async (request) => {
        const found = await message(request)
        const partId = decodeId(request.match[2] ?? '')
        const info = [...found.Attachments, ...found.Inline].find((part) => part.PartID === partId)
        const content = found.Parts[partId]
        if (info === undefined || content === undefined) throw new HttpError(404, 'part not found')
        sendBytes(request.response, info.ContentType || 'application/octet-stream', content)
      },
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/v1/message/${id}/html-check$`),
      handler: json(async (request) => {
        const found = await message(request)
        if (found.HTML === '') throw new HttpError(400, 'message does not contain HTML')
        return htmlCheck(found.HTML)
      }),
    },
    {
      method: 'GET',
      path: new RegExp(`^/api/v1/message/${id}/link-check$`),
      handler: json(async (request) => {
        const found = await message(request)
        return linkCheck(found.HTML, found.Text, request.url.searchParams.get('follow') === 'true')
      }),
    },
    {
      method: 'GET',
      path: /^\/view\/([^/]+)\.html$/,
      handler: async (request) => {
        const found = await message(request)
        if (found.HTML === '') throw new HttpError(404, 'message does not contain HTML')
        sendBytes(request.response, 'text/html; charset=utf-8', found.HTML)
      },
    },
    {
      method: 'GET',
      path: /^\/view\/([^/]+)\.txt$/,
      handler: async (request) =>
        sendBytes(request.response, 'text/plain; charset=utf-8', (await message(request)).Text),
    },
  ]
}

export function createHttpServer(options: HttpOptions): Server {
  const table = [...mailboxRoutes(options), ...messageRoutes(options.store)]
  const allowedHosts = allowedHostNames(options.allowedHosts)
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    if (!isAllowedHost(request.headers.host, allowedHosts)) {
      response.setHeader('connection', 'close')
      return sendText(response, 421, misdirectedMessage(request.headers.host))
    }
    const url = new URL(request.url ?? '/', 'http://catcher')
    const method = request.method ?? 'GET'
    const path = url.pathname.replace(/\/+$/, '') || '/'
    for (const entry of table) {
      const match = entry.path.exec(path)
      if (match === null) continue
      if (entry.method !== method) continue
      return entry.handler({ url, match, request, response })
    }
    throw new HttpError(404, `not found: ${method} ${path}`)
  }

  return createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (response.headersSent) return void response.destroy()
      if (error instanceof HttpError) return sendText(response, error.status, error.message)
      if (error instanceof ChaosError) return sendText(response, 400, error.message)
      sendText(response, 500, errorMessage(error))
    })
  })
}
