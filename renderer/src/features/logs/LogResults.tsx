import { useEffect, useMemo, useRef, type ReactNode } from 'react'
import { Badge, Center, Loader, Text } from '@mantine/core'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { LogEntry, LogLevel } from '../../../../shared/contract'
import { formatStamp } from '../../ui/format'
import { readableLine } from '../../ui/log-line'
import { LogMessage } from '../../ui/LogMessage'
import { fullTextTerms, markMatches, termPattern } from '../../ui/search-marks'
import { useWrapLines } from '../../ui/useWrapLines'
import classes from './Logs.module.css'

const ROW_HEIGHT = 26
const COLUMNS = ['Time', 'Service', 'Level', 'Status', 'Email', 'Message'] as const

export const LEVEL_COLOR: Record<LogLevel, string> = {
  trace: 'gray',
  debug: 'gray',
  info: 'blue',
  warn: 'yellow',
  error: 'red',
  fatal: 'red',
}

export const STATUS_COLOR: Record<string, string> = {
  request: 'gray',
  accepted: 'blue',
  sent: 'green',
  retrying: 'yellow',
  failed: 'red',
  'dead-lettered': 'red',
  retried: 'violet',
}

/** One result: time, service, level, mail status, email id and the message, marked. */
function LogRow({
  entry,
  index,
  start,
  measureRef,
  selected,
  onOpen,
  wrap,
  mark,
}: {
  entry: LogEntry
  index: number
  start: number
  measureRef: (element: HTMLDivElement | null) => void
  selected: boolean
  onOpen: (entry: LogEntry) => void
  wrap: boolean
  mark: (text: string) => ReactNode
}) {
  return (
    <div
      // Wrapped rows differ in height: each is measured once it is laid out.
      ref={measureRef}
      data-index={index}
      role="row"
      aria-rowindex={index + 2}
      tabIndex={0}
      aria-selected={selected}
      className={`${classes.grid} ${classes.row} ${selected ? classes.selected : ''}`}
      style={{ transform: `translateY(${start}px)`, minHeight: ROW_HEIGHT }}
      onClick={() => onOpen(entry)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') onOpen(entry)
      }}
      data-testid="logs-row"
    >
      <span role="gridcell" className={classes.mono}>
        {formatStamp(entry.ts)}
      </span>
      <span role="gridcell" className={classes.mono}>
        {entry.service}
      </span>
      <span role="gridcell">
        <Badge size="xs" variant="light" color={LEVEL_COLOR[entry.level]}>
          {entry.level}
        </Badge>
      </span>
      <span role="gridcell">
        {entry.status && (
          <Badge size="xs" variant="dot" color={STATUS_COLOR[entry.status] ?? 'gray'}>
            {entry.status}
          </Badge>
        )}
      </span>
      <span role="gridcell" className={classes.mono} title={entry.emailId ?? undefined}>
        {entry.emailId ?? ''}
      </span>
      <span
        role="gridcell"
        className={`${classes.mono} ${classes.message}`}
        title={wrap ? undefined : entry.text}
      >
        {entry.subject && entry.status === 'request' ? mark(`${entry.subject} — `) : ''}
        <LogMessage line={readableLine(entry.text)} render={mark} />
      </span>
    </div>
  )
}

interface LogResultsProps {
  entries: LogEntry[]
  more: boolean
  loading: boolean
  onMore: () => void
  onOpen: (entry: LogEntry) => void
  selectedId: number | null
  height: string | number
  /** The full-text query whose words are marked. */
  search?: string
}

/** The virtualizer over the results; near the end it asks for the next page. */
function useResultsScroll({ entries, more, loading, onMore }: LogResultsProps, wrap: boolean) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    getItemKey: (index) => entries[index]?.id ?? index,
  })
  useEffect(() => {
    virtualizer.measure()
  }, [wrap, virtualizer])
  const items = virtualizer.getVirtualItems()
  const lastIndex = items[items.length - 1]?.index ?? -1
  useEffect(() => {
    if (more && !loading && lastIndex >= entries.length - 30) onMore()
  }, [lastIndex, entries.length, more, loading, onMore])
  return { scrollRef, virtualizer, items }
}

/**
 * Search results, newest first: a virtualized grid with a sticky header. Reaching the end asks
 * for the next keyset page (infinite scroll). Long messages wrap (the log panes' "Wrap lines"),
 * and the words of the full-text search are marked.
 */
export function LogResults(props: LogResultsProps) {
  const { entries, more, loading, onOpen, selectedId, height, search = '' } = props
  const [wrap] = useWrapLines()
  const pattern = useMemo(() => termPattern(fullTextTerms(search)), [search])
  const mark = (text: string) => markMatches(text, pattern)
  const { scrollRef, virtualizer, items } = useResultsScroll(props, wrap)

  return (
    <div
      ref={scrollRef}
      className={`${classes.results} ${wrap ? classes.wrapped : ''}`}
      style={{ height }}
      data-wrap={wrap}
      data-testid="logs-results"
    >
      <div role="grid" aria-label="Log lines" aria-rowcount={entries.length + 1}>
        <div role="rowgroup" className={classes.header}>
          <div className={`${classes.grid} ${classes.headerRow}`} role="row" aria-rowindex={1}>
            {COLUMNS.map((column) => (
              <span key={column} role="columnheader">
                {column}
              </span>
            ))}
          </div>
        </div>
        <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }} role="rowgroup">
          {items.map((item) => {
            const entry = entries[item.index]
            if (!entry) return null
            return (
              <LogRow
                key={item.key}
                entry={entry}
                index={item.index}
                start={item.start}
                measureRef={virtualizer.measureElement}
                selected={entry.id === selectedId}
                onOpen={onOpen}
                wrap={wrap}
                mark={mark}
              />
            )
          })}
        </div>
      </div>
      {loading && (
        <Center py="xs">
          <Loader size="xs" />
        </Center>
      )}
      {!more && !loading && entries.length > 0 && (
        <Text size="xs" c="dimmed" ta="center" py={6}>
          End of the results
        </Text>
      )}
    </div>
  )
}
