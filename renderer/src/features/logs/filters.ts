import type { LogLevel, LogQuery, MailStatus } from '../../../../shared/contract'

export const QUICK_RANGES = [
  { value: '15m', label: '15 min', ms: 15 * 60_000 },
  { value: '1h', label: '1 hour', ms: 3_600_000 },
  { value: '24h', label: '24 hours', ms: 86_400_000 },
  { value: '7d', label: '7 days', ms: 7 * 86_400_000 },
  { value: 'all', label: 'All', ms: null },
] as const

export type RangeKey = (typeof QUICK_RANGES)[number]['value'] | 'custom'

export interface LogFilters {
  text: string
  range: RangeKey
  /** Set when range is custom (a span picked on the histogram). */
  from: number | null
  to: number | null
  services: string[]
  levels: LogLevel[]
  statuses: MailStatus[]
  recipient: string
}

export const defaultFilters: LogFilters = {
  text: '',
  range: '24h',
  from: null,
  to: null,
  services: [],
  levels: [],
  statuses: [],
  recipient: '',
}

/**
 * The contract query for the filters, with a quick range counted back from `now` and ending there:
 * the results, the histogram and the count all read the same span.
 */
export function toQuery(filters: LogFilters, now: number): LogQuery {
  const query: LogQuery = {}
  if (filters.text.trim() !== '') query.text = filters.text.trim()
  if (filters.services.length > 0) query.services = filters.services
  if (filters.levels.length > 0) query.levels = filters.levels
  if (filters.statuses.length > 0) query.statuses = filters.statuses
  if (filters.recipient.trim() !== '') query.recipient = filters.recipient.trim()
  if (filters.range === 'custom') {
    if (filters.from !== null) query.from = filters.from
    if (filters.to !== null) query.to = filters.to
  } else {
    const span = QUICK_RANGES.find((range) => range.value === filters.range)?.ms ?? null
    if (span !== null) query.from = now - span
    query.to = now + 1
  }
  return query
}

/** Anything but the time range narrows the search (for the empty state's wording). */
export function isNarrowed(filters: LogFilters): boolean {
  return (
    filters.text.trim() !== '' ||
    filters.services.length > 0 ||
    filters.levels.length > 0 ||
    filters.statuses.length > 0 ||
    filters.recipient.trim() !== ''
  )
}
