// A client for the SMTP catcher's HTTP API (Mailpit's /api/v1, which maildock/catcher mirrors).

export interface CatcherAddress {
  Name: string
  Address: string
}

export interface CatcherMessage {
  ID: string
  /** The Message-ID header without angle brackets: `<emailId>@maildock.local`. */
  MessageID: string
  From: CatcherAddress | null
  To: CatcherAddress[] | null
  Cc: CatcherAddress[] | null
  Bcc: CatcherAddress[] | null
  Subject: string
  Size: number
  Created: string
  Tags?: string[] | null
}

interface MessagesPage {
  total: number
  messages_count?: number
  start: number
  messages: CatcherMessage[]
}

export class CatcherTestClient {
  constructor(readonly baseUrl: string) {}

  async total(): Promise<number> {
    const page = await this.page(0, 1)
    return page.messages_count ?? page.total
  }

  async listAll(): Promise<CatcherMessage[]> {
    const all: CatcherMessage[] = []
    const pageSize = 500
    for (let start = 0; ; start += pageSize) {
      const page = await this.page(start, pageSize)
      all.push(...page.messages)
      if (page.messages.length < pageSize) return all
    }
  }

  /** Every message a Mailpit search matches, e.g. `tag:"spring-news"`. */
  async search(query: string): Promise<CatcherMessage[]> {
    const all: CatcherMessage[] = []
    const pageSize = 500
    for (let start = 0; ; start += pageSize) {
      const path = `/api/v1/search?query=${encodeURIComponent(query)}&start=${start}&limit=${pageSize}`
      const page = (await (await this.request('GET', path)).json()) as MessagesPage
      all.push(...page.messages)
      if (page.messages.length < pageSize) return all
    }
  }

  async deleteAll(): Promise<void> {
    await this.request('DELETE', '/api/v1/messages')
  }

  /** Makes the catcher reject every recipient with `errorCode` (Mailpit's chaos feature). */
  async rejectRecipients(errorCode: number, probability = 100): Promise<void> {
    await this.request('PUT', '/api/v1/chaos', {
      Recipient: { ErrorCode: errorCode, Probability: probability },
    })
  }

  async stopRejecting(): Promise<void> {
    await this.request('PUT', '/api/v1/chaos', { Recipient: { ErrorCode: 451, Probability: 0 } })
  }

  private async page(start: number, limit: number): Promise<MessagesPage> {
    const response = await this.request('GET', `/api/v1/messages?start=${start}&limit=${limit}`)
    return (await response.json()) as MessagesPage
  }

  private async request(method: string, path: string, body?: unknown): Promise<Response> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined
        ? {}
        : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
    })
    if (!response.ok) {
      throw new Error(`catcher ${method} ${path}: ${response.status} ${await response.text()}`)
    }
    return response
  }
}

/** The email id in the Message-ID the emailer derives from it; undefined for other messages. */
export function emailIdOf(message: CatcherMessage, domain = 'maildock.local'): string | undefined {
  const messageId = message.MessageID.replace(/^<|>$/g, '')
  const suffix = `@${domain}`
  return messageId.endsWith(suffix) ? messageId.slice(0, -suffix.length) : undefined
}

/** How many times each email id arrived. */
export function countByEmailId(messages: CatcherMessage[], domain = 'maildock.local') {
  const counts = new Map<string, number>()
  for (const message of messages) {
    const id = emailIdOf(message, domain)
    if (id !== undefined) counts.set(id, (counts.get(id) ?? 0) + 1)
  }
  return counts
}
