// Turns a received message and its SMTP envelope into what the store keeps, the way Mailpit
// reports it: envelope recipients missing from To and Cc are listed as Bcc.
import { simpleParser, type AddressObject } from 'mailparser'
import { normalizeTags, type AttachmentInfo, type CaughtMessage, type MailAddress } from './store'

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
function headerMap(lines: readonly { key: string; line: string }[]): Record<string, string[]> {
  const headers: Record<string, string[]> = {}
  for (const { key, line } of lines) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    const name = canonicalHeaderKey(key)
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

export async function parseMessage(raw: Buffer, envelope: Envelope): Promise<CaughtMessage> {
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
  const headers = headerMap(parsed.headerLines)
  return {
    MessageID: stripAngles(parsed.messageId),
    From: from ?? (envelope.mailFrom === '' ? null : { Name: '', Address: envelope.mailFrom }),
    To: to,
    Cc: cc,
    Bcc: bcc,
    ReplyTo: addresses(parsed.replyTo),
    ReturnPath: envelope.mailFrom,
    Subject: parsed.subject ?? '',
    Date: isValidDate(parsed.date) ? parsed.date.toISOString() : null,
    Text: parsed.text ?? '',
    HTML: typeof parsed.html === 'string' ? parsed.html : '',
    Size: raw.length,
    Inline: attachments.filter((_, index) => parsed.attachments[index]?.related === true),
    Attachments: attachments.filter((_, index) => parsed.attachments[index]?.related !== true),
    Username: envelope.username,
    Headers: headers,
    Tags: tagsOf(headers),
    Parts: Object.fromEntries(
      parsed.attachments.map((attachment, index) => [String(index + 1), attachment.content]),
    ),
    Raw: raw,
  }
}
