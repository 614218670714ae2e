import type Database from 'better-sqlite3'
import type { z } from 'zod'
import type {
  ExportFormat,
  LogEntry,
  LogExportChunk,
  LogQuery,
  logExportInput,
} from '../../../shared/contract'
import { encodeCursor } from './filters'
import { searchEntries } from './queries'

export type ExportInput = z.output<typeof logExportInput>

const PAGE_ROWS = 1_000

export const CSV_COLUMNS = [
  'id',
  'time',
  'service',
  'container',
  'stream',
  'level',
  'status',
  'email_id',
  'subject',
  'recipients',
  'text',
  'raw',
] as const

/** Quotes when needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  let text = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`
}

export function formatEntry(entry: LogEntry, format: ExportFormat): string {
  const time = new Date(entry.ts).toISOString()
  if (format === 'jsonl') return `${JSON.stringify({ time, ...entry })}\n`
  const fields = [
    entry.id,
    time,
    entry.service,
    entry.container,
    entry.stream,
    entry.level,
    entry.status,
    entry.emailId,
    entry.subject,
    entry.recipients.join(' '),
    entry.text,
    entry.raw,
  ]
  return `${fields.map(csvField).join(',')}\r\n`
}

/** One chunk of an export: up to maxBytes of text, reading keyset pages until it is full. */
export function exportChunk(db: Database.Database, input: ExportInput): LogExportChunk {
  const parts: string[] = input.cursor === undefined && input.format === 'csv' ? [csvHeader()] : []
  let bytes = parts[0]?.length ?? 0
  let rows = 0
  let cursor = input.cursor
  for (;;) {
    const page = searchEntries(db, { query: input.query, cursor, limit: PAGE_ROWS })
    for (const entry of page.entries) {
      const line = formatEntry(entry, input.format)
      parts.push(line)
      bytes += Buffer.byteLength(line)
      rows += 1
      cursor = encodeCursor(entry)
      if (bytes >= input.maxBytes) {
        const last = page.entries[page.entries.length - 1]
        const more = entry !== last || page.nextCursor !== null
        return { chunk: parts.join(''), rows, nextCursor: more ? cursor : null }
      }
    }
    if (page.nextCursor === null) return { chunk: parts.join(''), rows, nextCursor: null }
  }
}

/** Streams a whole result set to `write` (a file or stdout), a chunk at a time from `chunkOf`. */
export async function exportAll(
  chunkOf: (input: ExportInput) => LogExportChunk | Promise<LogExportChunk>,
  query: LogQuery,
  format: ExportFormat,
  write: (text: string) => Promise<void>,
): Promise<number> {
  let cursor: string | undefined
  let total = 0
  do {
    const chunk = await chunkOf({ query, format, cursor, maxBytes: 1024 * 1024 })
    await write(chunk.chunk)
    total += chunk.rows
    cursor = chunk.nextCursor ?? undefined
  } while (cursor !== undefined)
  return total
}
