import type { LogLevel } from '../../../shared/contract'
import { NAMED_LEVELS } from '../../../shared/log-levels'

// A level word near the start of a plain line: "ERROR ...", "[warn] ...", "level=error ...".
const LEVEL_WORD =
  /^.{0,40}?\b(?:level=)?(TRACE|DEBUG|INFO|NOTICE|WARN(?:ING)?|ERR(?:OR)?|FATAL|CRIT(?:ICAL)?|PANIC)\b/i

export function levelFromText(text: string): LogLevel {
  const match = LEVEL_WORD.exec(text)
  return (match?.[1] && NAMED_LEVELS[match[1].toLowerCase()]) || 'info'
}

/** Adds `n` rows of `level` to the warn or error count they fall in (error counts fatal too). */
export function countLevel(counts: { warn: number; error: number }, level: string, n = 1): void {
  if (level === 'warn') counts.warn += n
  else if (level === 'error' || level === 'fatal') counts.error += n
}
