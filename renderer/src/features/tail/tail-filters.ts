import type { LogLevel, TailLine, TailSource } from '../../../../shared/contract'
import type { Matcher } from './highlight'
import type { TailSelection } from './useTail'

/** What the Tail shows of its buffer: the search, the lowest level, and how lines are drawn. */
export interface TailFilters {
  search: string
  regex: boolean
  onlyMatches: boolean
  minLevel: LogLevel
  showTime: boolean
  pretty: boolean
}

export const initialTailFilters: TailFilters = {
  search: '',
  regex: false,
  onlyMatches: false,
  minLevel: 'trace',
  showTime: true,
  pretty: false,
}

const LEVEL_RANK: Record<LogLevel, number> = {
  trace: 0,
  debug: 1,
  info: 2,
  warn: 3,
  error: 4,
  fatal: 5,
}
export const MIN_LEVELS = [
  { value: 'trace', label: 'All levels' },
  { value: 'info', label: 'Info and above' },
  { value: 'warn', label: 'Warnings and errors' },
  { value: 'error', label: 'Errors only' },
]

/** The lines at or above `minLevel` that `onlyMatching` (when given) matches (no copy without one). */
export function visibleLines(
  lines: TailLine[],
  minLevel: LogLevel,
  onlyMatching: Matcher | null,
): TailLine[] {
  if (minLevel === 'trace' && onlyMatching === null) return lines
  return lines.filter(
    (line) =>
      LEVEL_RANK[line.level] >= LEVEL_RANK[minLevel] &&
      (onlyMatching === null || onlyMatching.test(line.text)),
  )
}

/** Why the list is empty: nothing arrived yet, or the search or level hides every line. */
export function emptyTailText(received: number, search: string, minLevel: LogLevel): string {
  if (received === 0) return 'No lines yet.'
  if (search) return `No lines match “${search}”`
  const level = MIN_LEVELS.find((option) => option.value === minLevel)?.label ?? minLevel
  return `No lines match “${level}”`
}

/** Picker values: `svc:NAME` for a stack service, `ctr:ID` for any other container. */
export function selectionFrom(values: string[], sources: TailSource[]): TailSelection {
  const services = values.filter((v) => v.startsWith('svc:')).map((v) => v.slice(4))
  const containerIds = values.filter((v) => v.startsWith('ctr:')).map((v) => v.slice(4))
  const stackNames = containerIds
    .map((id) => sources.find((s) => s.id === id))
    .filter((s): s is TailSource => s?.stack === true)
  return {
    services,
    containers: containerIds,
    stored: services.length > 0 || containerIds.length === 0 || stackNames.length > 0,
  }
}

export function sourceOptions(sources: TailSource[]) {
  const services = [...new Set(sources.filter((s) => s.stack).map((s) => s.service))].sort()
  const others = sources.filter((s) => !s.stack)
  return [
    {
      group: 'Stack services (stored)',
      items: services.map((s) => ({ value: `svc:${s}`, label: s })),
    },
    {
      group: 'Other containers (live only)',
      items: others.map((s) => ({ value: `ctr:${s.id}`, label: `${s.name} (${s.state})` })),
    },
  ]
}
