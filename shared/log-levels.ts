import type { LogLevel } from './contract'

// How services name their log levels, read the same way by main (when storing) and the renderer.

const PINO_LEVELS: ReadonlyArray<[number, LogLevel]> = [
  [60, 'fatal'],
  [50, 'error'],
  [40, 'warn'],
  [30, 'info'],
  [20, 'debug'],
  [10, 'trace'],
]

/** Level names in lower case, with the synonyms services use. */
export const NAMED_LEVELS: Readonly<Record<string, LogLevel>> = {
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
