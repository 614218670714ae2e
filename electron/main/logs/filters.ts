import type Database from 'better-sqlite3'
import { MaildockError, type LogEntry, type LogQuery } from '../../../shared/contract'
import { describeSyntaxError, plainFtsQuery, toFtsQuery } from './fts-query'
import { errorMessage } from '../../../shared/error-message'
import { statement } from './statements'

export type Params = Record<string, string | number | bigint | null>

/** A query's WHERE terms over `entries e`, and how its full text is to be matched. */
export interface Filter {
  terms: string[]
  params: Params
  /** The FTS5 expression to match (bound as @fts), or null without full text. */
  fts: string | null
  notice: string | null
}

/** The columns every reader selects, mapped by toEntry. */
export const ENTRY_COLUMNS = `
  e.id, printf('%016x', e.dedup) AS key, e.ts, e.source, e.service, e.container, e.stream,
  e.level, e.email_id, e.status, e.text, e.raw,
  (SELECT subject FROM emails WHERE email_id = e.email_id) AS subject,
  (SELECT group_concat(address, ' ') FROM email_recipients WHERE email_id = e.email_id) AS recipients`

export interface EntryRow {
  id: number
  key: string
  ts: number
  source: LogEntry['source']
  service: string
  container: string | null
  stream: LogEntry['stream']
  level: LogEntry['level']
  email_id: string | null
  status: LogEntry['status']
  text: string
  raw: string | null
  subject: string | null
  recipients: string | null
}

export function toEntry(row: EntryRow): LogEntry {
  return {
    id: row.id,
    key: row.key,
    ts: row.ts,
    source: row.source,
    service: row.service,
    container: row.container,
    stream: row.stream,
    level: row.level,
    emailId: row.email_id,
    status: row.status,
    subject: row.subject,
    recipients: row.recipients ? row.recipients.split(' ').sort() : [],
    text: row.text,
    raw: row.raw ?? row.text,
  }
}

function inList(name: string, values: readonly string[], params: Params): string {
  const names = values.map((value, i) => {
    params[`${name}${i}`] = value
    return `@${name}${i}`
  })
  return names.join(', ')
}

const withSyntaxTable = new WeakSet<Database.Database>()

/**
 * A statement that parses a query as the index would, on an empty FTS5 table of this connection:
 * on the real index a query that matches nothing (or a prefix) reads its whole doclist first.
 */
function syntaxProbe(db: Database.Database): Database.Statement {
  if (!withSyntaxTable.has(db)) {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_syntax
      USING fts5(text, tokenize='unicode61 remove_diacritics 2')`)
    withSyntaxTable.add(db)
  }
  return statement(db, 'SELECT 1 FROM temp.fts_syntax WHERE fts_syntax MATCH ?')
}

/** Tries the query's syntax; broken syntax falls back to plain words with a notice. */
function checkFts(
  db: Database.Database,
  text: string,
): { fts: string | null; notice: string | null } {
  const probe = syntaxProbe(db)
  const prepared = toFtsQuery(text)
  if (prepared === '') return { fts: null, notice: null }
  try {
    probe.get(prepared)
    return { fts: prepared, notice: null }
  } catch (error) {
    const message = errorMessage(error)
    if ((error as { code?: string }).code !== 'SQLITE_ERROR') throw error
    const plain = plainFtsQuery(text)
    const why = `Search syntax not understood (${describeSyntaxError(message)})`
    return plain === null
      ? { fts: null, notice: `${why}, and it has no words to search for: showing everything.` }
      : { fts: plain, notice: `${why}: searched for the words as plain text instead.` }
  }
}

export function buildFilter(db: Database.Database, query: LogQuery): Filter {
  const terms: string[] = []
  const params: Params = {}
  const { fts, notice } =
    query.text !== undefined && query.text !== ''
      ? checkFts(db, query.text)
      : { fts: null, notice: null }
  if (fts !== null) params.fts = fts
  if (query.services?.length) terms.push(`e.service IN (${inList('svc', query.services, params)})`)
  if (query.containers?.length) {
    terms.push(`e.container IN (${inList('ctr', query.containers, params)})`)
  }
  if (query.levels?.length) terms.push(`e.level IN (${inList('lvl', query.levels, params)})`)
  if (query.statuses?.length) terms.push(`e.status IN (${inList('st', query.statuses, params)})`)
  if (query.sources?.length) terms.push(`e.source IN (${inList('src', query.sources, params)})`)
  if (query.emailId) {
    terms.push('e.email_id = @emailId')
    params.emailId = query.emailId
  }
  if (query.recipient) {
    const address = query.recipient.toLowerCase()
    if (address.startsWith('@')) {
      // Addresses sort by text, so every address at a domain is not a range: match the suffix.
      terms.push(
        "e.email_id IN (SELECT email_id FROM email_recipients WHERE address LIKE @recipient ESCAPE '\\')",
      )
      params.recipient = `%${address.replace(/[\\%_]/g, (c) => `\\${c}`)}`
    } else {
      terms.push('e.email_id IN (SELECT email_id FROM email_recipients WHERE address = @recipient)')
      params.recipient = address
    }
  }
  if (query.from !== undefined) {
    terms.push('e.ts >= @from')
    params.from = query.from
  }
  if (query.to !== undefined) {
    terms.push('e.ts < @to')
    params.to = query.to
  }
  return { terms, params, fts, notice }
}

export function whereClause(terms: readonly string[]): string {
  return terms.length === 0 ? '' : `WHERE ${terms.join(' AND ')}`
}

/** Keyset cursor: the (ts, id) of the last row of a page, newest first. */
export function encodeCursor(entry: { ts: number; id: number }): string {
  return `${entry.ts}:${entry.id}`
}

export function decodeCursor(cursor: string): { ts: number; id: number } {
  const match = /^(-?\d{1,16}):(\d{1,19})$/.exec(cursor)
  if (!match)
    throw new MaildockError('INVALID_INPUT', `Not a cursor from a previous page: ${cursor}`)
  return { ts: Number(match[1]), id: Number(match[2]) }
}

export function afterCursor(cursor: string | undefined, filter: Filter): void {
  if (cursor === undefined) return
  const { ts, id } = decodeCursor(cursor)
  filter.terms.push('e.ts <= @cursorTs', '(e.ts < @cursorTs OR e.id < @cursorId)')
  filter.params.cursorTs = ts
  filter.params.cursorId = id
}
