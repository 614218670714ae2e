import {
  MaildockError,
  type ChaosTriggers,
  type HtmlCheck,
  type LinkCheck,
  type MailboxAddress,
  type MailboxMessage,
  type MailboxPage,
  type MailboxSummary,
} from '../../../shared/contract'

// A client of the catcher's REST API (Mailpit's /api/v1, which maildock/catcher serves too),
// mapping Mailpit's shapes to the contract's. Always over 127.0.0.1, so the catcher's Host
// check accepts it.

interface MailpitAddress {
  Name: string
  Address: string
}

interface MailpitSummary {
  ID: string
  MessageID: string
  Read: boolean
  From: MailpitAddress | null
  To: MailpitAddress[] | null
  Cc: MailpitAddress[] | null
  Bcc?: MailpitAddress[] | null
  Subject: string
  Created: string
  Tags: string[] | null
  Size: number
  Attachments: number
  Snippet: string
}

interface MailpitPart {
  PartID: string
  FileName: string
  ContentType: string
  Size: number
}

interface MailpitMessage extends Omit<MailpitSummary, 'Attachments' | 'Created' | 'Read'> {
  Date: string
  Text: string
  HTML: string
  Attachments: MailpitPart[] | null
}

interface MailpitList {
  total: number
  unread: number
  messages_count: number
  start: number
  tags: string[] | null
  messages: MailpitSummary[]
}

export const MAX_RAW_BYTES = 5 * 1024 * 1024
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
const TIMEOUT_MS = 10_000

const address = (entry: MailpitAddress): MailboxAddress => ({
  name: entry.Name,
  address: entry.Address,
})

/** MailDock gives each email the Message-ID `<emailId>@domain`. */
export function emailIdOf(messageId: string): string | null {
  const at = messageId.lastIndexOf('@')
  return at > 0 ? messageId.slice(0, at) : null
}

function summary(message: MailpitSummary): MailboxSummary {
  return {
    id: message.ID,
    messageId: message.MessageID,
    emailId: emailIdOf(message.MessageID),
    from: message.From === null || message.From.Address === '' ? null : address(message.From),
    to: (message.To ?? []).map(address),
    cc: (message.Cc ?? []).map(address),
    subject: message.Subject,
    createdAt: Date.parse(message.Created),
    size: message.Size,
    attachments: message.Attachments,
    snippet: message.Snippet,
    tags: message.Tags ?? [],
    read: message.Read,
  }
}

export class CatcherClient {
  readonly baseUrl: string

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '')
  }

  async request(method: string, path: string, body?: unknown): Promise<Response> {
    let response: Response
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        ...(body === undefined
          ? {}
          : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
      })
    } catch (error) {
      const code = (error as { cause?: { code?: unknown } }).cause?.code
      const reason =
        typeof code === 'string' ? code : error instanceof Error ? error.message : 'no answer'
      throw new MaildockError(
        'UNAVAILABLE',
        `The mail catcher at ${this.baseUrl} is not reachable (${reason})`,
      )
    }
    if (response.ok) return response
    const text = (await response.text()).trim().slice(0, 300)
    const code = response.status === 404 ? 'NOT_FOUND' : 'UNAVAILABLE'
    throw new MaildockError(code, `The mail catcher answered ${response.status}: ${text}`, {
      status: response.status,
    })
  }

  private async json<T>(path: string): Promise<T> {
    return (await (await this.request('GET', path)).json()) as T
  }

  async info(): Promise<{ Version: string; Messages: number; Unread: number }> {
    return this.json('/api/v1/info')
  }

  async list(options: { search?: string; start: number; limit: number }): Promise<MailboxPage> {
    const query = new URLSearchParams({
      start: String(options.start),
      limit: String(options.limit),
    })
    const search = options.search?.trim() ?? ''
    if (search !== '') query.set('query', search)
    const page = await this.json<MailpitList>(
      `/api/v1/${search === '' ? 'messages' : 'search'}?${query.toString()}`,
    )
    return {
      total: page.total,
      matching: page.messages_count,
      unread: page.unread,
      start: page.start,
      messages: page.messages.map(summary),
      tags: page.tags ?? [],
    }
  }

  async message(id: string): Promise<MailboxMessage> {
    const path = `/api/v1/message/${encodeURIComponent(id)}`
    const [message, headers] = await Promise.all([
      this.json<MailpitMessage>(path),
      this.json<Record<string, string[]>>(`${path}/headers`),
    ])
    const parts = message.Attachments ?? []
    return {
      ...summary({
        ...message,
        Read: true,
        Created: message.Date,
        Attachments: parts.length,
        Snippet: message.Text.replace(/\s+/g, ' ').trim().slice(0, 250),
      }),
      bcc: (message.Bcc ?? []).map(address),
      text: message.Text,
      html: message.HTML,
      attachmentList: parts.map((part) => ({
        partId: part.PartID,
        fileName: part.FileName,
        contentType: part.ContentType,
        size: part.Size,
      })),
      headers,
    }
  }

  async raw(id: string): Promise<{ raw: string; truncated: boolean }> {
    const response = await this.request('GET', `/api/v1/message/${encodeURIComponent(id)}/raw`)
    const bytes = Buffer.from(await response.arrayBuffer())
    return {
      raw: bytes.subarray(0, MAX_RAW_BYTES).toString('utf8'),
      truncated: bytes.length > MAX_RAW_BYTES,
    }
  }

  async attachment(id: string, partId: string) {
    const path = `/api/v1/message/${encodeURIComponent(id)}`
    const message = await this.json<MailpitMessage>(path)
    const part = (message.Attachments ?? []).find((entry) => entry.PartID === partId)
    if (part === undefined) throw new MaildockError('NOT_FOUND', `No attachment ${partId}`)
    if (part.Size > MAX_ATTACHMENT_BYTES) {
      throw new MaildockError(
        'INVALID_INPUT',
        `${part.FileName} is over 10 MiB: open it in the catcher`,
      )
    }
    const response = await this.request('GET', `${path}/part/${encodeURIComponent(partId)}`)
    const base64 = Buffer.from(await response.arrayBuffer()).toString('base64')
    return { fileName: part.FileName, contentType: part.ContentType, base64 }
  }

  async delete(ids?: string[]): Promise<void> {
    await this.request('DELETE', '/api/v1/messages', ids === undefined ? undefined : { IDs: ids })
  }

  async chaos(): Promise<ChaosTriggers> {
    return this.json('/api/v1/chaos')
  }

  async setChaos(triggers: ChaosTriggers): Promise<ChaosTriggers> {
    return (await (await this.request('PUT', '/api/v1/chaos', triggers)).json()) as ChaosTriggers
  }

  async htmlCheck(id: string): Promise<HtmlCheck> {
    const check = await this.json<{
      Total: { Supported: number; Partial: number; Unsupported: number }
      Warnings: {
        Slug: string
        Title: string
        Category: string
        URL: string
        Score: { Unsupported: number }
        Results: { Name: string; Support: string }[] | null
      }[]
    }>(`/api/v1/message/${encodeURIComponent(id)}/html-check`)
    return {
      supported: check.Total.Supported,
      partial: check.Total.Partial,
      unsupported: check.Total.Unsupported,
      warnings: check.Warnings.map((warning) => ({
        slug: warning.Slug,
        title: warning.Title,
        category: warning.Category,
        url: warning.URL,
        unsupported: warning.Score.Unsupported,
        clients: [
          ...new Set((warning.Results ?? []).filter((r) => r.Support === 'no').map((r) => r.Name)),
        ],
      })),
    }
  }

  async linkCheck(id: string): Promise<LinkCheck> {
    const check = await this.json<{
      Errors: number
      Links: { URL: string; StatusCode: number; Status: string }[] | null
    }>(`/api/v1/message/${encodeURIComponent(id)}/link-check`)
    return {
      errors: check.Errors,
      links: (check.Links ?? []).map((link) => ({
        url: link.URL,
        status: link.Status,
        statusCode: link.StatusCode,
      })),
    }
  }
}
