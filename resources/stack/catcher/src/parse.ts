// Turns a received message and its SMTP envelope into what the store keeps, the way Mailpit
// reports it: envelope recipients missing from To and Cc are listed as Bcc. Receiving reads only
// the header block (headers and tags, what every list answer needs); the full MIME parse runs
// when the message is first listed, searched or opened.
import { simpleParser, type AddressObject } from 'mailparser'
import addressparser from 'nodemailer/lib/addressparser'
import {
  normalizeTags,
  type AttachmentInfo,
  type MailAddress,
  type ParsedFields,
  type ReceivedMessage,
} from './store'

export interface Envelope {
  mailFrom: string
  rcptTo: string[]
  username: string
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (field === undefined) return []
  const objects = Array.isArray(field) ? field : [field]
  const result: MailAddress[] = []
  const visit = (entries: AddressObject['value']): void => {
    for (const entry of entries) {
      if (entry.group !== undefined) visit(entry.group)
      else if (entry.address !== undefined && entry.address !== '') {
        result.push({ Name: entry.name, Address: entry.address })
      }
    }
  }
  for (const object of objects) visit(object.value)
  return result
}

function stripAngles(messageId: string | undefined): string {
  return (messageId ?? '').trim().replace(/^<|>$/g, '')
}

function isValidDate(date: Date | undefined): date is Date {
  return date !== undefined && !Number.isNaN(date.getTime())
}

/** Go's canonical MIME header key, as Mailpit answers: `x-maildock-id` -> `X-Maildock-Id`. */
export function canonicalHeaderKey(name: string): string {
  return name
    .toLowerCase()
    .replace(/(^|-)([a-z])/g, (_whole, dash: string, letter: string) => dash + letter.toUpperCase())
}

/** The header block as canonical name -> values, unfolded. */
function headerMap(lines: readonly string[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = canonicalHeaderKey(line.slice(0, colon).trim())
    const value = line
      .slice(colon + 1)
      .replace(/\r?\n[ \t]+/g, ' ')
      .trim()
    ;(headers[name] ??= []).push(value)
  }
  return headers
}

/** Mailpit reads tags from the X-Tags header: a comma-separated list. */
function tagsOf(headers: Record<string, string[]>): string[] {
  return normalizeTags((headers['X-Tags'] ?? []).flatMap((value) => value.split(',')))
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Raw 8-bit header values (RFC 6532) are UTF-8, as Mailpit keeps them; a block that is not valid
 * UTF-8 is some legacy charset, kept byte for byte as latin1.
 */
function decodeHeaderBlock(block: Buffer): string {
  if (block.every((byte) => byte < 0x80)) return block.toString('latin1')
  try {
    return strictUtf8.decode(block)
  } catch {
    return block.toString('latin1')
  }
}

/** The header block's lines, each with its folded continuation lines. */
function headerLines(raw: Buffer): string[] {
  const crlf = raw.indexOf('\r\n\r\n')
  const lf = raw.indexOf('\n\n')
  const end = crlf === -1 ? lf : lf === -1 ? crlf : Math.min(crlf, lf)
  const block = decodeHeaderBlock(raw.subarray(0, end === -1 ? raw.length : end))
  const lines: string[] = []
  for (const line of block.split(/\r?\n/)) {
    if ((line.startsWith(' ') || line.startsWith('\t')) && lines.length > 0) {
      lines[lines.length - 1] += `\r\n${line}`
    } else if (line !== '') lines.push(line)
  }
  return lines
}

/** The Message-ID and To addresses from the header block alone (for the log, before any parse). */
export function headerSummary(headers: Record<string, string[]>): {
  messageId: string
  to: string[]
} {
  return {
    messageId: stripAngles(headers['Message-Id']?.[0]),
    to: (headers.To ?? [])
      .flatMap((value) => addressparser(value, { flatten: true }))
      .map((entry) => entry.address)
      .filter((address) => address !== ''),
  }
}

/** What receiving a message costs: its header block read, no MIME parse. */
export function receiveMessage(raw: Buffer, envelope: Envelope): ReceivedMessage {
  const headers = headerMap(headerLines(raw))
  return {
    ReturnPath: envelope.mailFrom,
    Size: raw.length,
    Username: envelope.username,
    Headers: headers,
    Tags: tagsOf(headers),
    Raw: raw,
    parse: () => parseFields(raw, envelope),
  }
}

async function parseFields(raw: Buffer, envelope: Envelope): Promise<ParsedFields> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true })
  const to = addresses(parsed.to)
  const cc = addresses(parsed.cc)
  const listed = new Set([...to, ...cc].map((entry) => entry.Address.toLowerCase()))
  const bcc = addresses(parsed.bcc)
  for (const recipient of envelope.rcptTo) {
    const key = recipient.toLowerCase()
    if (!listed.has(key) && !bcc.some((entry) => entry.Address.toLowerCase() === key)) {
      bcc.push({ Name: '', Address: recipient })
    }
  }
  const from = addresses(parsed.from)[0] ?? null
  const attachments = parsed.attachments.map((attachment, index): AttachmentInfo => ({
    PartID: String(index + 1),
    FileName: attachment.filename ?? '',
    ContentType: attachment.contentType,
    ContentID: stripAngles(attachment.cid),
    Size: attachment.size,
  }))
  return {
    MessageID: stripAngles(parsed.messageId),
    From: from ?? (envelope.mailFrom === '' ? null : { Name: '', Address: envelope.mailFrom }),
    To: to,
    Cc: cc,
    Bcc: bcc,
    ReplyTo: addresses(parsed.replyTo),
    Subject: parsed.subject ?? '',
    Date: isValidDate(parsed.date) ? parsed.date.toISOString() : null,
    Text: parsed.text ?? '',
    HTML: typeof parsed.html === 'string' ? parsed.html : '',
    Inline: attachments.filter((_, index) => parsed.attachments[index]?.related === true),
    Attachments: attachments.filter((_, index) => parsed.attachments[index]?.related !== true),
    Parts: Object.fromEntries(
      parsed.attachments.map((attachment, index) => [String(index + 1), attachment.content]),
    ),
  }
}
