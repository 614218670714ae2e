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

/** Terms a message answers before its MIME parse: tags (from X-Tags) and the read flag. */
const BEFORE_PARSE_FIELDS = new Set(['tag', 'is'])

type BeforeParse = Pick<StoredMessage, 'Tags' | 'Read'>

function beforeParseTermMatches(message: BeforeParse, { field, value }: Term): boolean {
  if (field === 'tag') return message.Tags.some((tag) => tag.toLowerCase() === value)
  if (value === 'read') return message.Read
  if (value === 'unread') return !message.Read
  return value === 'tagged' && message.Tags.length > 0
}

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
    case 'message-id':
      return message.MessageID.toLowerCase() === value.replace(/^<|>$/g, '')
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

/**
 * Every term must hold (negated terms must not). `beforeParse` checks the terms an unparsed
 * message can answer, so a search parses only the messages that pass it; `matches` checks the
 * rest on those.
 */
export function matcher(query: string): {
  beforeParse: (message: BeforeParse) => boolean
  matches: (message: StoredMessage) => boolean
} {
  const terms = parseQuery(query)
  const early = terms.filter((term) => BEFORE_PARSE_FIELDS.has(term.field))
  const late = terms.filter((term) => !BEFORE_PARSE_FIELDS.has(term.field))
  return {
    beforeParse: (message) =>
      early.every((term) => beforeParseTermMatches(message, term) !== term.negate),
    matches: (message) => late.every((term) => termMatches(message, term) !== term.negate),
  }
}
