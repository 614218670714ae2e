// Mailpit's search syntax (GET /api/v1/search?query=...), the part MailDock uses: free words,
// `to:` `from:` `cc:` `bcc:` `subject:` `tag:` `message-id:` `is:read|unread|tagged`
// `has:attachment`, "quoted phrases", and `-` or `!` in front of a term to negate it.
import type { MailAddress, StoredMessage } from './store'

interface Term {
  field: string
  value: string
  negate: boolean
}

const TOKEN = /([-!]?)(?:([a-z-]+):)?(?:"([^"]*)"|(\S+))/gi
const FIELDS = new Set(['to', 'from', 'cc', 'bcc', 'subject', 'tag', 'message-id', 'is', 'has'])

export function parseQuery(query: string): Term[] {
  const terms: Term[] = []
  for (const match of query.matchAll(TOKEN)) {
    const field = (match[2] ?? '').toLowerCase()
    const value = (match[3] ?? match[4] ?? '').toLowerCase()
    if (field !== '' && !FIELDS.has(field)) {
      // An unknown "word:" is a free word, as in Mailpit.
      terms.push({ field: '', value: `${field}:${value}`, negate: match[1] !== '' })
    } else if (value !== '') {
      terms.push({ field, value, negate: match[1] !== '' })
    }
  }
  return terms
}

const addressText = (list: readonly (MailAddress | null)[]): string =>
  list
    .filter((entry): entry is MailAddress => entry !== null)
    .map((entry) => `${entry.Name} <${entry.Address}>`)
    .join(', ')
    .toLowerCase()

function termMatches(message: StoredMessage, term: Term): boolean {
  const { value } = term
  switch (term.field) {
    case 'to':
      return addressText(message.To).includes(value)
    case 'from':
      return addressText([message.From]).includes(value)
    case 'cc':
      return addressText(message.Cc).includes(value)
    case 'bcc':
      return addressText(message.Bcc).includes(value)
    case 'subject':
      return message.Subject.toLowerCase().includes(value)
    case 'tag':
      return message.Tags.some((tag) => tag.toLowerCase() === value)
    case 'message-id':
      return message.MessageID.toLowerCase() === value.replace(/^<|>$/g, '')
    case 'is':
      if (value === 'read') return message.Read
      if (value === 'unread') return !message.Read
      return value === 'tagged' && message.Tags.length > 0
    case 'has':
      return value.startsWith('attachment') && message.Attachments.length > 0
    default:
      return [
        message.Subject,
        addressText([message.From, ...message.To, ...message.Cc, ...message.Bcc]),
        message.Text,
        message.Tags.join(' '),
      ].some((text) => text.toLowerCase().includes(value))
  }
}

/** A predicate for the store: every term must hold (negated terms must not). */
export function matcher(query: string): (message: StoredMessage) => boolean {
  const terms = parseQuery(query)
  return (message) => terms.every((term) => termMatches(message, term) !== term.negate)
}
