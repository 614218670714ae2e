// Caught messages in memory, newest first, bounded: the oldest go once `maxMessages` is reached.
import { randomBytes } from 'node:crypto'

export interface MailAddress {
  Name: string
  Address: string
}

export interface AttachmentInfo {
  PartID: string
  FileName: string
  ContentType: string
  ContentID: string
  Size: number
}

/** What the SMTP side hands over once a message is parsed. */
export interface CaughtMessage {
  MessageID: string
  From: MailAddress | null
  To: MailAddress[]
  Cc: MailAddress[]
  Bcc: MailAddress[]
  ReplyTo: MailAddress[]
  ReturnPath: string
  Subject: string
  Date: string | null
  Text: string
  HTML: string
  Size: number
  Inline: AttachmentInfo[]
  Attachments: AttachmentInfo[]
  Username: string
  Raw: Buffer
}

export interface StoredMessage extends CaughtMessage {
  ID: string
  Created: string
  Read: boolean
}

/** Mailpit's list entry (GET /api/v1/messages). */
export interface MessageSummary {
  ID: string
  MessageID: string
  Read: boolean
  From: MailAddress | null
  To: MailAddress[]
  Cc: MailAddress[]
  Bcc: MailAddress[]
  ReplyTo: MailAddress[]
  Subject: string
  Created: string
  Username: string
  Tags: string[]
  Size: number
  Attachments: number
  Snippet: string
}

export function newMessageId(): string {
  return randomBytes(16).toString('base64url').slice(0, 22)
}

export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  return flat.length > 250 ? `${flat.slice(0, 250)}...` : flat
}

export function summarize(message: StoredMessage): MessageSummary {
  return {
    ID: message.ID,
    MessageID: message.MessageID,
    Read: message.Read,
    From: message.From,
    To: message.To,
    Cc: message.Cc,
    Bcc: message.Bcc,
    ReplyTo: message.ReplyTo,
    Subject: message.Subject,
    Created: message.Created,
    Username: message.Username,
    Tags: [],
    Size: message.Size,
    Attachments: message.Attachments.length,
    Snippet: snippet(message.Text),
  }
}

export class MessageStore {
  // Oldest first, so adding is a push and evicting a shift from the front.
  private readonly messages: StoredMessage[] = []
  private readonly byId = new Map<string, StoredMessage>()
  private deleted = 0

  constructor(readonly maxMessages: number) {
    if (!Number.isInteger(maxMessages) || maxMessages < 1) {
      throw new Error(`maxMessages must be a positive integer, got ${maxMessages}`)
    }
  }

  add(caught: CaughtMessage, now = new Date()): StoredMessage {
    const stored: StoredMessage = {
      ...caught,
      ID: newMessageId(),
      Created: now.toISOString(),
      Read: false,
    }
    this.messages.push(stored)
    this.byId.set(stored.ID, stored)
    while (this.messages.length > this.maxMessages) {
      const oldest = this.messages.shift()
      if (oldest !== undefined) this.byId.delete(oldest.ID)
      this.deleted += 1
    }
    return stored
  }

  get size(): number {
    return this.messages.length
  }

  get unread(): number {
    return this.messages.filter((message) => !message.Read).length
  }

  get deletedCount(): number {
    return this.deleted
  }

  /** `latest` is Mailpit's alias for the newest message. */
  get(id: string): StoredMessage | undefined {
    if (id === 'latest') return this.messages.at(-1)
    return this.byId.get(id)
  }

  /** Newest first, like Mailpit. */
  page(start: number, limit: number): StoredMessage[] {
    const end = this.messages.length - start
    if (end <= 0) return []
    return this.messages.slice(Math.max(0, end - limit), end).reverse()
  }

  /** Deletes the given ids (unknown ones are ignored), or everything; returns how many went. */
  delete(ids?: readonly string[]): number {
    if (ids === undefined) {
      const count = this.messages.length
      this.messages.length = 0
      this.byId.clear()
      this.deleted += count
      return count
    }
    const doomed = new Set(ids.filter((id) => this.byId.has(id)))
    if (doomed.size === 0) return 0
    const kept = this.messages.filter((message) => !doomed.has(message.ID))
    this.messages.length = 0
    for (const message of kept) this.messages.push(message)
    for (const id of doomed) this.byId.delete(id)
    this.deleted += doomed.size
    return doomed.size
  }
}
