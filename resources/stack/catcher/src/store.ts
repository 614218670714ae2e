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
  /** Header name (as first written) -> its values, in order, as Mailpit's /headers answers. */
  Headers: Record<string, string[]>
  /** Mailpit tags: from the X-Tags header, or set with PUT /api/v1/tags. */
  Tags: string[]
  /** PartID -> the decoded content of each attachment and inline part. */
  Parts: Record<string, Buffer>
  Raw: Buffer
}

/** What only the full MIME parse gives. */
export type ParsedFields = Pick<
  CaughtMessage,
  | 'MessageID'
  | 'From'
  | 'To'
  | 'Cc'
  | 'Bcc'
  | 'ReplyTo'
  | 'Subject'
  | 'Date'
  | 'Text'
  | 'HTML'
  | 'Inline'
  | 'Attachments'
  | 'Parts'
>

/** A message as received: raw, envelope and header block; `parse` gives the rest. */
export type ReceivedMessage = Omit<CaughtMessage, keyof ParsedFields> & {
  parse: () => Promise<ParsedFields>
}

export interface StoredMessage extends CaughtMessage {
  ID: string
  Created: string
  Read: boolean
}

/** A message in the store: parsed (a StoredMessage) once `MessageStore#parsed` has seen it. */
export type Entry = Omit<StoredMessage, keyof ParsedFields> &
  Partial<ParsedFields> & { parse?: () => Promise<ParsedFields> }

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

const ID_BYTES = 16
/** Random bytes drawn for this many ids at once: one draw per id cost more than parsing a message. */
const IDS_PER_DRAW = 256
let idBytes = Buffer.alloc(0)
let idOffset = 0

/** 22 URL-safe characters from 16 random bytes, like Mailpit's ids. */
export function newMessageId(): string {
  if (idOffset + ID_BYTES > idBytes.length) {
    idBytes = randomBytes(ID_BYTES * IDS_PER_DRAW)
    idOffset = 0
  }
  const id = idBytes.toString('base64url', idOffset, idOffset + ID_BYTES)
  idOffset += ID_BYTES
  return id
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
    Tags: [...message.Tags],
    Size: message.Size,
    Attachments: message.Attachments.length,
    Snippet: snippet(message.Text),
  }
}

export class MessageStore {
  // Oldest first, so adding is a push and evicting a shift from the front.
  private readonly messages: Entry[] = []
  private readonly byId = new Map<string, Entry>()
  private readonly parsing = new WeakMap<Entry, Promise<StoredMessage>>()
  private deleted = 0

  constructor(readonly maxMessages: number) {
    if (!Number.isInteger(maxMessages) || maxMessages < 1) {
      throw new Error(`maxMessages must be a positive integer, got ${maxMessages}`)
    }
  }

  add(caught: CaughtMessage | ReceivedMessage, now = new Date()): Entry {
    const stored: Entry = {
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

  /** The entries parsed (each once; the parse runs on first need, not on arrival). */
  parsed(entries: readonly Entry[]): Promise<StoredMessage[]> {
    return Promise.all(entries.map((entry) => this.parseOne(entry)))
  }

  private parseOne(entry: Entry): Promise<StoredMessage> {
    const { parse } = entry
    if (parse === undefined) return Promise.resolve(entry as StoredMessage)
    let parsing = this.parsing.get(entry)
    if (parsing === undefined) {
      parsing = parse().then(
        (fields) => {
          delete entry.parse
          return Object.assign(entry, fields)
        },
        (error: unknown) => {
          this.parsing.delete(entry)
          throw error
        },
      )
      this.parsing.set(entry, parsing)
    }
    return parsing
  }

  /** `latest` is Mailpit's alias for the newest message. */
  get(id: string): Entry | undefined {
    if (id === 'latest') return this.messages.at(-1)
    return this.byId.get(id)
  }

  /** Newest first, like Mailpit. */
  page(start: number, limit: number): Entry[] {
    const end = this.messages.length - start
    if (end <= 0) return []
    return this.messages.slice(Math.max(0, end - limit), end).reverse()
  }

  /** Every message `keep` accepts, newest first. */
  filter(keep: (message: Entry) => boolean): Entry[] {
    const found: Entry[] = []
    for (let index = this.messages.length - 1; index >= 0; index -= 1) {
      const message = this.messages[index]
      if (message !== undefined && keep(message)) found.push(message)
    }
    return found
  }

  /** Each tag in use and how many messages carry it, sorted by name. */
  tagCounts(): Record<string, number> {
    const counts = new Map<string, number>()
    for (const message of this.messages) {
      for (const tag of message.Tags) counts.set(tag, (counts.get(tag) ?? 0) + 1)
    }
    return Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)))
  }

  /** Replaces the tags of the given messages (Mailpit's PUT /api/v1/tags); returns how many. */
  setTags(ids: readonly string[], tags: readonly string[]): number {
    let count = 0
    for (const id of ids) {
      const message = this.byId.get(id)
      if (message === undefined) continue
      message.Tags = normalizeTags(tags)
      count += 1
    }
    return count
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

/** Mailpit's tag rules, simplified: trimmed, no duplicates (case-insensitive), sorted. */
export function normalizeTags(tags: Iterable<string>): string[] {
  const byKey = new Map<string, string>()
  for (const raw of tags) {
    const tag = raw.trim().replace(/\s+/g, ' ').slice(0, 100)
    if (tag !== '' && !byKey.has(tag.toLowerCase())) byKey.set(tag.toLowerCase(), tag)
  }
  return [...byKey.values()].sort((a, b) => a.localeCompare(b))
}
