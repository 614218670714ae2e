import { createHash, randomBytes } from 'node:crypto'
import {
  BLANK_EMAIL_ERROR,
  hasContent,
  MAX_CHECK_ROWS,
  MaildockError,
  templateVariables,
  type BulkCheck,
  type BulkSendRow,
  type Compose,
  type CsvMapping,
} from '../../../shared/contract'
import { checkEmail, fillAll } from './compose-check'
import { parseCsv, splitAddresses, type CsvRow } from './csv'

export interface BulkInput {
  csv: string
  mapping: CsvMapping
  template: { subject: string; text: string; html?: string | undefined }
  /** The send's name: every email of the batch carries it as a tag (X-Tags). Default: generated. */
  name?: string | undefined
}

/** A fresh send name, readable and unique: send-20261201-151502-a1b2c3. */
export function newSendName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)
  return `send-${stamp}-${randomBytes(3).toString('hex')}`
}

/**
 * The Idempotency-Key (and so the email id) of a send's row: the same name and row always give
 * the same key, so a repeated send of a name is deduplicated by the stack, row by row.
 */
export function rowKey(sendName: string, row: number): string {
  const slug = sendName.replace(/[^A-Za-z0-9._:-]+/g, '_').slice(0, 80)
  const hash =
    slug === sendName ? '' : `-${createHash('sha256').update(sendName).digest('hex').slice(0, 8)}`
  return `${slug}${hash}-r${row}`
}

/** Checks the CSV and template as a whole (throws if they cannot be sent) and gives the rows. */
export function checkInput(input: BulkInput): CsvRow[] {
  const parsed = parseCsv(input.csv)
  const mapped = Object.values(input.mapping).filter((column) => column !== undefined)
  const unknownColumn = mapped.find((column) => !parsed.columns.includes(column))
  if (unknownColumn !== undefined) {
    throw new MaildockError('INVALID_INPUT', `The CSV has no column "${unknownColumn}"`)
  }
  const unknownVariable = templateVariables(
    input.template.subject,
    input.template.text,
    input.template.html,
  ).find((name) => !parsed.columns.includes(name))
  if (unknownVariable !== undefined) {
    throw new MaildockError(
      'INVALID_INPUT',
      `The template uses {{${unknownVariable}}}, which is not a column of the CSV (columns: ${parsed.columns.join(', ')})`,
    )
  }
  if (parsed.rows.length === 0) throw new MaildockError('INVALID_INPUT', 'The CSV has no rows')
  if (!hasContent(input.template)) {
    throw new MaildockError(
      'INVALID_INPUT',
      `The template ${BLANK_EMAIL_ERROR}: give a subject or a body, or CSV columns named subject, text or html`,
    )
  }
  return parsed.rows
}

/** A row as its send starts: its number and recipients, pending until checked and sent. */
export function pendingRow(input: BulkInput, row: CsvRow): BulkSendRow {
  const to = splitAddresses(row.values[input.mapping.to])
  return { row: row.row, ...(to.length > 0 ? { to: to.join(', ') } : {}), status: 'pending' }
}

/** Checks one row and fills the template in: its email, or why the row cannot be sent. */
export function prepareRow(
  input: BulkInput,
  row: CsvRow,
  tag: string | undefined,
): { email: Compose } | { error: string } {
  if (row.problem !== undefined) return { error: `row ${row.row} ${row.problem}` }
  const to = splitAddresses(row.values[input.mapping.to])
  if (to.length === 0) return { error: `no recipient in column "${input.mapping.to}"` }
  const filled = fillAll(input.template, row.values)
  if (!filled.ok) return { error: filled.error }
  const checked = checkEmail({
    to,
    cc: input.mapping.cc === undefined ? [] : splitAddresses(row.values[input.mapping.cc]),
    bcc: input.mapping.bcc === undefined ? [] : splitAddresses(row.values[input.mapping.bcc]),
    subject: filled.subject,
    text: filled.text,
    ...(filled.html === undefined ? {} : { html: filled.html }),
    ...(tag === undefined ? {} : { tags: [tag] }),
  })
  return checked.ok ? { email: checked.email } : { error: checked.error }
}

/** What a bulk send of this input would do, sending nothing: "18 valid, 2 will be skipped". */
export function checkBulk(input: BulkInput): BulkCheck {
  const rows = checkInput(input)
  const invalid = rows.flatMap((row) => {
    const prepared = prepareRow(input, row, 'check')
    if (!('error' in prepared)) return []
    const { to } = pendingRow(input, row)
    return [{ row: row.row, ...(to === undefined ? {} : { to }), error: prepared.error }]
  })
  return {
    total: rows.length,
    valid: rows.length - invalid.length,
    invalid: invalid.slice(0, MAX_CHECK_ROWS),
    invalidCount: invalid.length,
  }
}
