import type { LogLevel } from '../../../shared/contract'
import { levelFromValue, NAMED_LEVELS } from '../../../shared/log-levels'

/** A log line made readable: level and message first, the other keys of a JSON line after. */
export interface ReadableLine {
  /** The level the line itself carried (JSON `level`, or a `[info]` prefix), stripped from it. */
  level?: LogLevel
  message: string
  fields: Array<[key: string, value: string]>
}

const LEVEL_KEYS = ['level', 'lvl', 'severity']
const MESSAGE_KEYS = ['msg', 'message']
/** The time column already says when: a JSON line's own time is dropped. */
const TIME_KEYS = new Set(['time', 'timestamp', 'ts', '@timestamp'])

function fromJson(text: string): ReadableLine | null {
  const trimmed = text.trim()
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return null
  let record: unknown
  try {
    record = JSON.parse(trimmed)
  } catch {
    return null
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return null
  const entries = Object.entries(record as Record<string, unknown>)
  const levelKey = LEVEL_KEYS.find((key) =>
    levelFromValue((record as Record<string, unknown>)[key]),
  )
  const messageKey = MESSAGE_KEYS.find(
    (key) => typeof (record as Record<string, unknown>)[key] === 'string',
  )
  const level = levelKey ? levelFromValue((record as Record<string, unknown>)[levelKey]) : undefined
  const fields = entries
    .filter(([key]) => key !== levelKey && key !== messageKey && !TIME_KEYS.has(key))
    .map(([key, value]): [string, string] => [
      key,
      typeof value === 'string' ? value : JSON.stringify(value),
    ])
  const message = messageKey ? String((record as Record<string, unknown>)[messageKey]) : ''
  return { level, message, fields }
}

const TIMESTAMP = String.raw`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?`
const LEVEL_WORDS = Object.keys(NAMED_LEVELS).join('|')
// `2026-12-01 10:00:00.123456+00:00 [info] <0.123.0> text` (RabbitMQ), `[warn] text`,
// `ERROR: text`; a level word alone counts only in brackets, in capitals or after a timestamp.
const PREFIX = new RegExp(
  String.raw`^(?:(${TIMESTAMP})\s+)?(?:\[(${LEVEL_WORDS})\]|(${LEVEL_WORDS}):|(${LEVEL_WORDS})\b)?\s*(?:<\d+\.\d+\.\d+>\s+)?`,
  'i',
)

function fromPrefix(text: string): ReadableLine {
  const match = PREFIX.exec(text)
  if (!match || match[0] === '') return { message: text, fields: [] }
  const [, time, bracketed, colon, capital] = match
  const word = bracketed ?? colon ?? capital
  // A bare word counts only in capitals (`ERROR`, not `Error connecting`); before a colon in
  // capitals or lower case (`ERROR:`, `info:`), not as an exception's name (`Error: EADDRINUSE`).
  const capitalOk = capital === undefined || capital === capital.toUpperCase()
  const colonOk =
    colon === undefined || colon === colon.toUpperCase() || colon === colon.toLowerCase()
  const wordOk = capitalOk && colonOk
  if (!time && (!word || !wordOk)) return { message: text, fields: [] }
  if (!wordOk) return { message: text.slice(time!.length).trimStart(), fields: [] }
  const rest = text.slice(match[0].length)
  return { level: word ? levelFromValue(word) : undefined, message: rest, fields: [] }
}

/** Splits a raw line into level, message and other keys; text that is neither stays whole. */
export function readableLine(text: string): ReadableLine {
  return fromJson(text) ?? fromPrefix(text)
}
