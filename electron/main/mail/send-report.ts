import Papa from 'papaparse'
import {
  MaildockError,
  type SendReport,
  type SendReportCounts,
  type SendReportRow,
  type SendRowOutcome,
} from '../../../shared/contract'
import type {
  CaughtSource,
  EmailOutcome,
  SendLedger,
  SendRecord,
  SendRecordRow,
} from './send-ledger'

/** The caught side of a report: the ids the catcher holds for the send's tag, or why unknown. */
export type Caught = { ids: Set<string> } | { note: string }

function outcomeOf(row: SendRecordRow, email: EmailOutcome | undefined): SendRowOutcome {
  if (row.status === 'invalid') return 'skipped'
  if (row.status !== 'accepted') return row.status
  if (email === undefined) return 'accepted'
  if (email.sent) return 'sent'
  if (email.deadLettered) return 'dead-lettered'
  if (email.failed) return 'failed'
  return email.retries > 0 ? 'retrying' : 'accepted'
}

/** Outcomes that will not change by themselves. */
const FINAL: ReadonlySet<SendRowOutcome> = new Set([
  'skipped',
  'sent',
  'failed',
  'dead-lettered',
  'cancelled',
])

/** A send's report from its recorded rows, their emails' outcome events and the catcher. */
export function buildSendReport(
  record: SendRecord,
  outcomes: ReadonlyMap<string, EmailOutcome>,
  caught: Caught,
): SendReport {
  const ids = 'ids' in caught ? caught.ids : undefined
  const rows = record.rows.map((row): SendReportRow => {
    const email = row.emailId === null ? undefined : outcomes.get(row.emailId)
    const accepted = row.status === 'accepted'
    return {
      row: row.row,
      to: row.to,
      emailId: accepted ? row.emailId : null,
      outcome: outcomeOf(row, email),
      detail: row.error ?? email?.detail ?? null,
      retries: email?.retries ?? 0,
      caught: ids === undefined ? null : accepted && row.emailId !== null && ids.has(row.emailId),
    }
  })
  const count = (test: (row: SendReportRow) => boolean) => rows.filter(test).length
  const counts: SendReportCounts = {
    rows: rows.length,
    skipped: count((row) => row.outcome === 'skipped'),
    accepted: count((row) => row.emailId !== null),
    sent: count((row) => row.outcome === 'sent'),
    retried: count((row) => row.retries > 0),
    failed: count((row) => row.outcome === 'failed'),
    deadLettered: count((row) => row.outcome === 'dead-lettered'),
    pending: count((row) => !FINAL.has(row.outcome)),
    caught: ids === undefined ? null : count((row) => row.caught === true),
  }
  return {
    name: record.name,
    kind: record.kind,
    createdAt: record.createdAt,
    counts,
    caughtNote: 'note' in caught ? caught.note : null,
    rows,
  }
}

/** One line per input row; cells a spreadsheet would run as formulas are escaped. */
export function sendReportCsv(report: SendReport): string {
  return Papa.unparse(
    {
      fields: ['row', 'to', 'email_id', 'outcome', 'retries', 'caught', 'detail'],
      data: report.rows.map((row) => [
        row.row,
        row.to ?? '',
        row.emailId ?? '',
        row.outcome,
        row.retries,
        row.caught === null ? '' : row.caught ? 'yes' : 'no',
        row.detail ?? '',
      ]),
    },
    { escapeFormulae: true, newline: '\n' },
  )
}

/** A file name for the report: the send's name with only safe characters. */
export function sendReportFilename(name: string): string {
  return `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}-report.csv`
}

/** Reads a send from the ledger and asks the catcher: the one report the panel and CLI show. */
export async function readSendReport(
  ledger: SendLedger | undefined,
  caught: CaughtSource | undefined,
  name: string,
): Promise<SendReport> {
  const record = await ledger?.read(name)
  if (record === undefined) {
    throw new MaildockError('NOT_FOUND', `No send named "${name}" in the log store`)
  }
  const fromCatcher: Caught =
    caught === undefined
      ? { note: 'no mail catcher is configured' }
      : await caught(name, record.kind)
  return buildSendReport(record, (await ledger?.outcomes(name)) ?? new Map(), fromCatcher)
}
