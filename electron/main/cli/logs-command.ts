import { createWriteStream } from 'node:fs'
import type { Command } from 'commander'
import {
  logLevels,
  mailStatuses,
  MaildockError,
  type LogEntry,
  type LogLevel,
  type LogQuery,
  type MailStatus,
} from '../../../shared/contract'
import type { Core } from '../core'
import { describeFreshness, exportAll, type LogFreshness } from '../logs'
import { call } from './run'
import { printServiceLogs } from './stack-command'

const UNITS_MS: Record<string, number> = { s: 1e3, m: 60e3, h: 3_600e3, d: 86_400e3, w: 604_800e3 }

/** `90s`, `15m`, `1h`, `2d`, `1w` before now, or an ISO date/time. */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d+(?:\.\d+)?)\s*([smhdw])$/i.exec(value.trim())
  if (relative) return now - Number(relative[1]) * (UNITS_MS[relative[2]!.toLowerCase()] ?? 0)
  const absolute = Date.parse(value)
  if (Number.isFinite(absolute)) return absolute
  throw new MaildockError(
    'INVALID_INPUT',
    `--since/--until takes a duration like 30s, 15m, 1h, 2d, 1w or a date, not "${value}"`,
  )
}

function checkedList<T extends string>(
  values: string[] | undefined,
  allowed: readonly T[],
  flag: string,
): T[] | undefined {
  if (!values || values.length === 0) return undefined
  const wrong = values.filter((value) => !(allowed as readonly string[]).includes(value))
  if (wrong.length > 0) {
    throw new MaildockError(
      'INVALID_INPUT',
      `--${flag} takes ${allowed.join(', ')}; not ${wrong.join(', ')}`,
    )
  }
  return values as T[]
}

export interface LogsOptions {
  since?: string
  until?: string
  grep?: string
  service?: string[]
  level?: string[]
  status?: string[]
  recipient?: string
  email?: string
  limit: string
  json?: boolean
  export?: string
  format?: string
}

export function queryFromOptions(options: LogsOptions, now = Date.now()): LogQuery {
  const query: LogQuery = {}
  if (options.grep) query.text = options.grep
  if (options.service?.length) query.services = options.service
  const levels = checkedList<LogLevel>(options.level, logLevels, 'level')
  if (levels) query.levels = levels
  const statuses = checkedList<MailStatus>(options.status, mailStatuses, 'status')
  if (statuses) query.statuses = statuses
  if (options.recipient) query.recipient = options.recipient
  if (options.email) query.emailId = options.email
  if (options.since) query.from = parseSince(options.since, now)
  if (options.until) query.to = parseSince(options.until, now)
  return query
}

const LEVEL_LABEL: Record<LogLevel, string> = {
  trace: 'TRACE',
  debug: 'DEBUG',
  info: 'INFO ',
  warn: 'WARN ',
  error: 'ERROR',
  fatal: 'FATAL',
}

export function formatLine(entry: LogEntry): string {
  const id = entry.emailId ? ` [${entry.emailId}${entry.status ? ` ${entry.status}` : ''}]` : ''
  return `${new Date(entry.ts).toISOString()} ${entry.service.padEnd(8)} ${LEVEL_LABEL[entry.level]}${id} ${entry.text}`
}

/** Newest `limit` matches, read in keyset pages, printed oldest first (as `docker logs` does). */
async function newest(core: Core, query: LogQuery, limit: number) {
  const entries: LogEntry[] = []
  let cursor: string | undefined
  let notice: string | null = null
  while (entries.length < limit) {
    const page = await call(core, 'logs:search', {
      query,
      limit: Math.min(1000, limit - entries.length),
      ...(cursor === undefined ? {} : { cursor }),
    })
    notice ??= page.notice
    entries.push(...page.entries)
    if (page.nextCursor === null) return { entries: entries.reverse(), notice, more: false }
    cursor = page.nextCursor
  }
  return { entries: entries.reverse(), notice, more: true }
}

/** Catches the history up when no app fills it, and says on stderr when it is not current. */
async function catchUp(core: Core): Promise<LogFreshness> {
  const freshness = await core.catchUpLogs()
  const notice = describeFreshness(freshness)
  if (notice) console.error(`maildock: ${notice}`)
  return freshness
}

export function registerLogsCommand(program: Command, core: () => Core): void {
  const collect = (value: string, previous: string[] = []): string[] => [...previous, value]
  program
    .command('logs')
    .description('search the log history MailDock keeps (mail events and the stack containers)')
    .option('--since <when>', 'only entries after this: 30s, 15m, 1h, 2d, 1w or a date')
    .option('--until <when>', 'only entries before this')
    .option('--grep <text>', 'full text: words, "phrases", prefix*, AND/OR/NOT')
    .option('--service <name>', 'only this service (repeatable)', collect)
    .option('--level <level>', `only this level: ${logLevels.join(', ')} (repeatable)`, collect)
    .option('--status <status>', `only this mail status: ${mailStatuses.join(', ')}`, collect)
    .option('--recipient <address>', 'only emails to this address (or @domain)')
    .option('--email <id>', 'only this email id (its whole timeline)')
    .option('--limit <n>', 'at most this many entries, the newest', '1000')
    .option('--json', 'one JSON object per line')
    .option('--export <file>', 'write every match (no limit) to a file, newest first')
    .option('--format <format>', 'export format: jsonl or csv (default from the file name)')
    .argument('[service]', "instead: a stack service's live output, as docker logs (see -f)")
    .option('-f, --follow', 'with a service: keep following its output')
    .action(async (service: string | undefined, options: LogsOptions & { follow?: boolean }) => {
      if (service !== undefined) {
        await printServiceLogs(core(), service, options.follow === true)
        return
      }
      const query = queryFromOptions(options)
      const limit = Number(options.limit)
      if (!Number.isInteger(limit) || limit < 1) {
        throw new MaildockError(
          'INVALID_INPUT',
          `--limit takes a positive number, not ${options.limit}`,
        )
      }
      const freshness = await catchUp(core())
      if (options.export) {
        const format = options.format ?? (options.export.endsWith('.csv') ? 'csv' : 'jsonl')
        if (format !== 'csv' && format !== 'jsonl') {
          throw new MaildockError('INVALID_INPUT', `--format takes jsonl or csv, not ${format}`)
        }
        const file = createWriteStream(options.export)
        const write = (text: string) =>
          new Promise<void>((resolve, reject) =>
            file.write(text, (error) => (error ? reject(error) : resolve())),
          )
        const rows = await exportAll(
          (input) => core().logs.exportChunk(input),
          query,
          format,
          write,
        )
        await new Promise<void>((resolve) => file.end(resolve))
        console.error(`maildock: wrote ${rows} entries to ${options.export}`)
        return
      }
      const { entries, notice, more } = await newest(core(), query, limit)
      if (notice) console.error(`maildock: ${notice}`)
      for (const entry of entries) {
        console.log(
          options.json
            ? JSON.stringify({ time: new Date(entry.ts).toISOString(), ...entry })
            : formatLine(entry),
        )
      }
      if (options.json) console.log(JSON.stringify({ freshness }))
      if (more)
        console.error(
          `maildock: showing the newest ${limit}; raise --limit or narrow the search for more`,
        )
    })
}
