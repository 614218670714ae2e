import { hash } from 'node:crypto'
import {
  logLevels,
  mailStatuses,
  type LogLevel,
  type LogSource,
  type MailStatus,
} from '../../../shared/contract'
import type { EmailRequest, MailMessage, OutcomeEvent } from '../../../shared/messages'
import { levelFromValue } from '../../../shared/log-levels'
import { levelFromText } from './levels'

/** What the writer inserts: one entry, plus what it says about its email (if anything). */
export interface LogRow {
  ts: number
  source: LogSource
  service: string
  container: string | null
  stream: 'stdout' | 'stderr' | null
  level: LogLevel
  emailId: string | null
  status: MailStatus | null
  text: string
  /** Null when the raw line is the text itself (saves storing it twice). */
  raw: string | null
  /** 64-bit duplicate key: the same event or line ingested twice is stored once. */
  dedup: bigint
  email: EmailFacts | null
}

export interface EmailFacts {
  emailId: string
  subject: string | null
  recipients: string[]
  ts: number
}

export interface ContainerRef {
  id: string
  name: string
  service: string
}

export interface ContainerLine {
  stream: 'stdout' | 'stderr'
  /** The engine's RFC 3339 timestamp (nanoseconds), or '' when the line had none. */
  time: string
  text: string
}

const MAX_TEXT_CHARS = 8_000
const MAX_RAW_CHARS = 256 * 1024
const BODY_EXCERPT_CHARS = 500

/** SHA-1's first 8 bytes (the one-shot `hash` makes the same digest as createHash, faster). */
export function dedupKey(identity: string): bigint {
  return hash('sha1', identity, 'buffer').readBigInt64BE(0)
}

/** The key as the contract shows it: 16 hex digits, the same for a tail line and its row. */
export function keyHex(dedup: bigint): string {
  return BigInt.asUintN(64, dedup).toString(16).padStart(16, '0')
}

const clip = (text: string, max: number): string =>
  text.length > max ? `${text.slice(0, max)}…` : text

const parseTime = (iso: string, fallback: number): number => {
  const ms = Date.parse(iso)
  return Number.isFinite(ms) ? ms : fallback
}

const addresses = (request: EmailRequest): string[] =>
  [...request.to, ...request.cc, ...request.bcc].map((address) => address.toLowerCase())

function requestText(request: EmailRequest): string {
  const parts = [`email.request ${request.id}`, request.subject, `to ${request.to.join(' ')}`]
  if (request.cc.length > 0) parts.push(`cc ${request.cc.join(' ')}`)
  if (request.bcc.length > 0) parts.push(`bcc ${request.bcc.join(' ')}`)
  parts.push(clip(request.text, BODY_EXCERPT_CHARS))
  return parts.join(' · ')
}

function eventText(event: OutcomeEvent): string {
  const head = `email.${event.type} ${event.emailId} ${event.service} ${event.replica}`
  switch (event.type) {
    case 'accepted':
      return `${head} recipients ${event.recipients}`
    case 'sent':
      return [
        `${head} attempt ${event.attempt} in ${Math.round(event.durationMs)} ms`,
        event.smtp.response,
        `accepted ${event.smtp.accepted.join(' ')}`,
        event.smtp.rejected.length > 0 ? `rejected ${event.smtp.rejected.join(' ')}` : '',
      ]
        .filter((part) => part !== '')
        .join(' · ')
    case 'retrying':
      return `${head} attempt ${event.attempt} · ${event.reason}${event.smtpCode ? ` (${event.smtpCode})` : ''} · next in ${event.nextDelayMs} ms`
    case 'failed':
      return `${head} attempt ${event.attempt} · ${event.permanent ? 'permanent' : 'temporary'} · ${event.reason}${event.smtpCode ? ` (${event.smtpCode})` : ''}`
    case 'dead-lettered':
      return `${head} attempt ${event.attempt} · ${event.reason} · queue ${event.queue}`
    case 'retried':
      return `${head} retried by hand (round ${event.round}) · queue ${event.queue}`
  }
}

const EVENT_LEVEL: Record<OutcomeEvent['type'], LogLevel> = {
  accepted: 'info',
  sent: 'info',
  retrying: 'warn',
  failed: 'error',
  'dead-lettered': 'error',
  retried: 'info',
}

/** An email request or outcome event from the broker (shared/messages), as a row. */
export function rowFromMailMessage(mail: MailMessage, now = Date.now()): LogRow {
  if (mail.kind === 'event') {
    const message = mail.event
    const raw = clip(JSON.stringify(message), MAX_RAW_CHARS)
    const ts = parseTime(message.at, now)
    const recipients = message.type === 'sent' ? message.smtp.accepted : []
    return {
      ts,
      source: 'event',
      service: message.service,
      container: null,
      stream: null,
      level: EVENT_LEVEL[message.type],
      emailId: message.emailId,
      status: message.type,
      text: clip(eventText(message), MAX_TEXT_CHARS),
      raw,
      dedup: dedupKey(`event\u0000${message.eventId}`),
      email:
        recipients.length > 0
          ? {
              emailId: message.emailId,
              subject: null,
              recipients: recipients.map((a) => a.toLowerCase()),
              ts,
            }
          : null,
    }
  }
  const message = mail.request
  const raw = clip(JSON.stringify(message), MAX_RAW_CHARS)
  const ts = parseTime(message.createdAt, now)
  return {
    ts,
    source: 'event',
    service: 'api',
    container: null,
    stream: null,
    level: 'info',
    emailId: message.id,
    status: 'request',
    text: clip(requestText(message), MAX_TEXT_CHARS),
    raw,
    dedup: dedupKey(`request\u0000${message.id}`),
    email: { emailId: message.id, subject: message.subject, recipients: addresses(message), ts },
  }
}

// eslint-disable-next-line no-control-regex -- ANSI escape sequences start with ESC
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g
export const stripAnsi = (text: string): string => text.replace(ANSI, '')

type Json = Record<string, unknown>

const SKIPPED_KEYS = new Set(['level', 'time', 'msg', 'message', 'v', 'pid', 'hostname'])

/** `msg key=value nested.key=value …` for searching and one-line display. */
function flattenJson(record: Json): string {
  const parts: string[] = []
  const message = record.msg ?? record.message
  if (typeof message === 'string') parts.push(message)
  const walk = (value: unknown, path: string): void => {
    if (parts.length > 200) return
    if (value === null || value === undefined) return
    if (Array.isArray(value)) {
      if (value.every((item) => typeof item !== 'object' || item === null)) {
        parts.push(`${path}=${value.join(',')}`)
      } else value.forEach((item, i) => walk(item, `${path}.${i}`))
    } else if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Json)) {
        walk(inner, path === '' ? key : `${path}.${key}`)
      }
    } else if (
      (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') &&
      path !== '' &&
      !(path.indexOf('.') < 0 && SKIPPED_KEYS.has(path))
    ) {
      parts.push(`${path}=${value}`)
    }
  }
  walk(record, '')
  return parts.join(' ')
}

function parseJsonLine(text: string): Json | undefined {
  if (!text.startsWith('{') || !text.endsWith('}')) return undefined
  try {
    const value: unknown = JSON.parse(text)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Json)
      : undefined
  } catch {
    return undefined
  }
}

const stringField = (record: Json, key: string): string | null => {
  const value = record[key]
  return typeof value === 'string' && value !== '' ? value : null
}

const STATUSES = new Set<string>(mailStatuses)

/** The logger's records (resources/stack/logger) name the email, its event and its request. */
function mailFieldsOf(record: Json, ts: number) {
  const emailId = stringField(record, 'emailId')
  const kind = stringField(record, 'kind')
  const eventType = stringField(record, 'eventType')
  const status = kind === 'request' ? 'request' : eventType
  const request = record.request as Partial<EmailRequest> | undefined
  let email: EmailFacts | null = null
  if (emailId !== null && kind === 'request' && typeof request === 'object' && request !== null) {
    const list = (value: unknown): string[] =>
      Array.isArray(value) ? value.filter((a): a is string => typeof a === 'string') : []
    email = {
      emailId,
      subject: typeof request.subject === 'string' ? request.subject : null,
      recipients: [...list(request.to), ...list(request.cc), ...list(request.bcc)].map((a) =>
        a.toLowerCase(),
      ),
      ts,
    }
  }
  return {
    emailId,
    status: status !== null && STATUSES.has(status) ? (status as MailStatus) : null,
    email,
  }
}

/**
 * Lines a container printed, as rows (a service name stands for a container of that name).
 * `now` stands in for a missing engine time: the same `now` makes the same keys again.
 */
export function rowsFromContainerLines(
  container: ContainerRef | string,
  lines: readonly ContainerLine[],
  now = Date.now(),
): LogRow[] {
  const ref =
    typeof container === 'string'
      ? { id: container, name: container, service: container }
      : container
  return lines.map((line) => rowFromContainerLine(ref, line, now))
}

/** What the Tail needs of the rows made from a batch of lines, one entry per line, in order. */
export interface BuiltLines {
  ts: Float64Array<ArrayBuffer>
  keys: BigInt64Array<ArrayBuffer>
  /** Index in `logLevels`. */
  levels: Uint8Array<ArrayBuffer>
}

const LEVEL_INDEX = new Map<LogLevel, number>(logLevels.map((level, i) => [level, i]))
const INFO = logLevels.indexOf('info')

/** Typed arrays: they cross to another thread without being copied. */
export function builtLines(rows: readonly LogRow[]): BuiltLines {
  const built = {
    ts: new Float64Array(rows.length),
    keys: new BigInt64Array(rows.length),
    levels: new Uint8Array(rows.length),
  }
  rows.forEach((row, i) => {
    built.ts[i] = row.ts
    built.keys[i] = row.dedup
    built.levels[i] = LEVEL_INDEX.get(row.level) ?? INFO
  })
  return built
}

export const levelAt = (built: BuiltLines, i: number): LogLevel =>
  logLevels[built.levels[i] ?? INFO] ?? 'info'

/** One line a container printed (plain text or a JSON log record), as a row. */
export function rowFromContainerLine(
  container: ContainerRef,
  line: ContainerLine,
  now = Date.now(),
): LogRow {
  const ts = line.time === '' ? now : parseTime(line.time, now)
  const plain = stripAnsi(line.text)
  const json = parseJsonLine(plain.trim())
  const identity = `line\u0000${container.id}\u0000${line.time || ts}\u0000${line.stream}\u0000${line.text}`
  const raw = clip(line.text, MAX_RAW_CHARS)
  const mail = json === undefined ? undefined : mailFieldsOf(json, ts)
  const text = clip(json === undefined ? plain : flattenJson(json), MAX_TEXT_CHARS)
  // One literal of every field (no spread): rows wait in the writer's queue by the hundred
  // thousand during a burst, and a spread-built object takes about three times the memory.
  return {
    ts,
    source: 'container',
    service: container.service,
    container: container.name,
    stream: line.stream,
    level: (json && levelFromValue(json.level)) ?? levelFromText(plain),
    emailId: mail?.emailId ?? null,
    status: mail?.status ?? null,
    text,
    raw: json === undefined && raw === text ? null : raw,
    dedup: dedupKey(identity),
    email: mail?.email ?? null,
  }
}
