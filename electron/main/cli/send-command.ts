import { readFileSync, writeFileSync } from 'node:fs'
import type { Command } from 'commander'
import {
  fillTemplate,
  MaildockError,
  templateVariables,
  type BulkSendProgress,
  type SendReport,
} from '../../../shared/contract'
import type { Core } from '../core'
import { call, follow } from './run'

interface SendOptions {
  to: string[]
  cc: string[]
  bcc: string[]
  subject?: string
  text?: string
  textFile?: string
  htmlFile?: string
  var: string[]
  key?: string
  csv?: string
  toColumn?: string
  ccColumn?: string
  bccColumn?: string
  json?: boolean
  name?: string
  report?: string
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]

function readText(path: string): string {
  try {
    return readFileSync(path === '-' ? 0 : path, 'utf8')
  } catch (error) {
    throw new MaildockError('INVALID_INPUT', `Cannot read ${path}: ${(error as Error).message}`)
  }
}

function variables(pairs: string[]): Record<string, string> {
  const values: Record<string, string> = {}
  for (const pair of pairs) {
    const at = pair.indexOf('=')
    if (at <= 0) throw new MaildockError('INVALID_INPUT', `--var takes name=value, got "${pair}"`)
    values[pair.slice(0, at)] = pair.slice(at + 1)
  }
  return values
}

type Template = { subject: string; text: string; html?: string }

function body(options: SendOptions): Template {
  const text = options.textFile !== undefined ? readText(options.textFile) : (options.text ?? '')
  const html = options.htmlFile === undefined ? undefined : readText(options.htmlFile)
  return { subject: options.subject ?? '', text, ...(html === undefined ? {} : { html }) }
}

/** CSV columns named subject, text and html are the templates for what no option gives. */
export function csvTemplate(options: SendOptions, columns: readonly string[]): Template {
  const given = body(options)
  const column = (name: string): string | undefined =>
    columns.includes(name) ? `{{${name}}}` : undefined
  const text =
    options.text === undefined && options.textFile === undefined ? column('text') : undefined
  const html = options.htmlFile === undefined ? column('html') : undefined
  return {
    subject: options.subject ?? column('subject') ?? '',
    text: text ?? given.text,
    ...(html !== undefined ? { html } : given.html === undefined ? {} : { html: given.html }),
  }
}

/** `maildock send`: one email from the options, or one per row of a CSV file. */
export function registerSendCommand(program: Command, core: () => Core): void {
  program
    .command('send')
    .description("send an email through the stack's API, or one per row of a CSV file")
    .option('--to <address>', 'recipient (repeat for several)', collect, [])
    .option('--cc <address>', 'copy recipient (repeatable)', collect, [])
    .option('--bcc <address>', 'blind copy recipient (repeatable)', collect, [])
    .option('--subject <text>', 'subject; {{name}} marks a variable')
    .option('--text <text>', 'plain-text body')
    .option('--text-file <path>', 'read the plain-text body from a file (- for stdin)')
    .option('--html-file <path>', 'read an HTML part from a file')
    .option('--var <name=value>', 'value of a {{variable}} (repeatable)', collect, [])
    .option('--key <key>', 'Idempotency-Key: sending again with the same key sends once')
    .option('--csv <file>', 'send one email per row; every column is a {{variable}}')
    .option('--to-column <name>', 'CSV column holding the recipients (default: guessed)')
    .option('--cc-column <name>', 'CSV column holding cc recipients')
    .option('--bcc-column <name>', 'CSV column holding bcc recipients')
    .option(
      '--name <name>',
      'name of a CSV send, tagged on each email; the same name again sends no row twice (default: generated)',
    )
    .option('--report <file>', 'write the delivery report (one CSV line per input row) to a file')
    .option('--json', 'print the result as JSON')
    .action(async (options: SendOptions) => {
      if (options.csv !== undefined) await sendCsv(core(), options)
      else await sendOne(core(), options)
    })
}

async function sendOne(core: Core, options: SendOptions): Promise<void> {
  const template = body(options)
  const values = variables(options.var)
  const missing = templateVariables(template.subject, template.text, template.html).filter(
    (name) => !Object.hasOwn(values, name),
  )
  if (missing.length > 0) {
    throw new MaildockError(
      'INVALID_INPUT',
      `No --var for ${missing.map((n) => `{{${n}}}`).join(', ')}`,
    )
  }
  const fill = (text: string, html = false) => fillTemplate(text, values, { html }).text
  const accepted = await call(core, 'mail:send', {
    email: {
      to: options.to,
      cc: options.cc,
      bcc: options.bcc,
      subject: fill(template.subject),
      text: fill(template.text),
      ...(template.html === undefined ? {} : { html: fill(template.html, true) }),
    },
    ...(options.key === undefined ? {} : { idempotencyKey: options.key }),
  })
  if (options.json === true) console.log(JSON.stringify(accepted))
  else console.log(`accepted ${accepted.id}`)
  if (options.report !== undefined) await writeReport(core, accepted.id, options)
}

const SETTLE_MS = 30_000

/**
 * The report once every accepted row has an outcome or is caught (a CLI without the app sees
 * no outcome events, the catcher sees what arrived), or as it is after SETTLE_MS.
 */
async function settledReport(core: Core, name: string): Promise<SendReport> {
  const until = Date.now() + SETTLE_MS
  for (;;) {
    const report = await call(core, 'mail:send-report', { name })
    const { pending, accepted, caught } = report.counts
    if (pending === 0 || caught === null || caught >= accepted || Date.now() > until) return report
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** Writes the send's report as CSV and says what it counts (stderr with --json). */
async function writeReport(core: Core, name: string, options: SendOptions): Promise<void> {
  const path = options.report ?? ''
  const report = await settledReport(core, name)
  const { csv } = await call(core, 'mail:send-report-csv', { name })
  try {
    writeFileSync(path, csv)
  } catch (error) {
    throw new MaildockError('INVALID_INPUT', `Cannot write ${path}: ${(error as Error).message}`)
  }
  const { counts } = report
  const line = `report ${path}: ${counts.rows} rows, ${counts.accepted} accepted, ${counts.sent} sent, ${counts.retried} retried, ${counts.failed} failed, ${counts.deadLettered} dead-lettered, ${counts.caught ?? 'unknown'} caught, ${counts.skipped} skipped`
  if (options.json === true) console.error(line)
  else console.log(line)
}

async function sendCsv(core: Core, options: SendOptions): Promise<void> {
  const csv = readText(options.csv ?? '')
  const preview = await call(core, 'mail:csv-preview', { csv, rows: 1 })
  const to = options.toColumn ?? preview.suggested.to
  if (to === undefined) {
    throw new MaildockError(
      'INVALID_INPUT',
      `Which column holds the recipients? Pass --to-column (columns: ${preview.columns.join(', ')})`,
    )
  }
  const cc = options.ccColumn ?? preview.suggested.cc
  const bcc = options.bccColumn ?? preview.suggested.bcc
  const started = await call(core, 'mail:bulk-start', {
    csv,
    mapping: { to, ...(cc === undefined ? {} : { cc }), ...(bcc === undefined ? {} : { bcc }) },
    template: csvTemplate(options, preview.columns),
    ...(options.name === undefined ? {} : { name: options.name }),
  })
  const interactive = process.stderr.isTTY && options.json !== true
  let last: BulkSendProgress = started
  await follow(core, 'mail:bulk-progress', { batchId: started.batchId }, (progress) => {
    last = progress
    if (interactive) process.stderr.write(`\r${describeProgress(progress)}`)
  })
  if (interactive) process.stderr.write('\n')
  const result = await call(core, 'mail:bulk-result', { batchId: started.batchId })
  if (options.report !== undefined) await writeReport(core, started.name, options)
  if (options.json === true) {
    console.log(JSON.stringify(result))
  } else {
    for (const row of result.rows) {
      if (row.status === 'invalid' || row.status === 'failed') {
        console.log(`row ${row.row}\t${row.status}\t${row.to ?? ''}\t${row.error ?? ''}`)
      }
    }
    console.log(describeProgress(last))
  }
  const bad = result.invalid + result.failed
  if (bad > 0) {
    throw new MaildockError('INTERNAL', `${bad} of ${result.total} rows were not sent (see above)`)
  }
}

function describeProgress(progress: BulkSendProgress): string {
  const done = progress.accepted + progress.invalid + progress.failed
  return `${done}/${progress.total} rows: ${progress.accepted} accepted, ${progress.invalid} invalid, ${progress.failed} failed (${progress.rate}/s) ${progress.state}`
}
