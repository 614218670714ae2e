import type { LogLevel } from '../../../shared/contract'

const PINO_LEVELS: ReadonlyArray<[number, LogLevel]> = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [10, 'trace'],
]

const NAMED_LEVELS: Record<string, LogLevel> = {
  trace: 'trace',
  debug: 'debug',
  info: 'info',
  information: 'info',
  notice: 'info',
  warn: 'warn',
  warning: 'warn',
  error: 'error',
  err: 'error',
  fatal: 'fatal',
  critical: 'fatal',
  crit: 'fatal',
  panic: 'fatal',
}

/** A pino number (30), a name (`warn`, `WARNING`), or undefined when it is neither. */
export function levelFromValue(value: unknown): LogLevel | undefined {
  if (typeof value === 'number') return PINO_LEVELS.find(([min]) => value >= min)?.[1]
  if (typeof value === 'string') return NAMED_LEVELS[value.toLowerCase()]
  return undefined
}

// A level word near the start of a plain line: "ERROR ...", "[warn] ...", "level=error ...".
const LEVEL_WORD =
  /^.{0,40}?\b(?:level=)?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERR(?:OR)?|FATAL|CRIT(?:ICAL)?|PANIC)\b/i

export function levelFromText(text: string): LogLevel {
  const match = LEVEL_WORD.exec(text)
  return (match?.[1] && NAMED_LEVELS[match[1].toLowerCase()]) || 'info'
}
