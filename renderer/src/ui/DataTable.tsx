import {
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react'
import { Box, Table } from '@mantine/core'
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import classes from './DataTable.module.css'
import { DataRow, ROW_HEIGHT, type RowEntry, type RowEvents } from './DataRow'
import { NoMatchRow, SectionRow, SpacerRow, TableHeadRow } from './DataTableHead'

export interface Column<T> {
  key: string
  header: ReactNode
  /** CSS width; columns without one share what is left. */
  width?: number | string
  /** The column sorts by this when set. */
  compare?: (a: T, b: T) => number
  render: (row: T) => ReactNode
  mono?: boolean
  align?: 'left' | 'right'
  /** Clicks inside do not open the row (buttons, menus, links). */
  interactive?: boolean
  /** Less padding: for a column of icon buttons. */
  compact?: boolean
}

export interface TableSection<T> {
  key: string
  header: ReactNode
  rows: T[]
}

export interface SortState {
  key: string
  direction: 'asc' | 'desc'
}

export interface DataTableProps<T> {
  label: string
  columns: Column<T>[]
  /** Either flat rows or sections (groups with a header row each). */
  rows?: T[]
  sections?: TableSection<T>[]
  rowKey: (row: T) => string
  sort: SortState | null
  onSortChange: (sort: SortState) => void
  selected?: ReadonlySet<string>
  onSelectedChange?: (next: Set<string>) => void
  onOpen?: (row: T) => void
  onDelete?: (row: T) => void
  emptyText?: string
  maxHeight?: string
}

export { ROW_HEIGHT }
/** Below this many rows every row is in the DOM; above it only the visible ones. */
export const VIRTUALIZE_ABOVE = 100

type Entry<T> = { kind: 'section'; section: TableSection<T>; collapsed: boolean } | RowEntry<T>

function sortRows<T>(rows: T[], columns: Column<T>[], sort: SortState | null): T[] {
  const compare = sort && columns.find((c) => c.key === sort.key)?.compare
  if (!sort || !compare) return rows
  const sign = sort.direction === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => sign * compare(a, b))
}

/** Section headers and sorted rows in display order; rows of a collapsed section are left out. */
function useTableEntries<T>(props: DataTableProps<T>, collapsed: ReadonlySet<string>) {
  const { rows, sections, columns, sort, rowKey } = props
  const entries = useMemo(() => {
    const list: Entry<T>[] = []
    let position = 0
    const addRows = (rows: T[]) => {
      for (const row of sortRows(rows, columns, sort))
        list.push({ kind: 'row', row, key: rowKey(row), position: position++ })
    }
    if (sections) {
      for (const section of sections) {
        const isCollapsed = collapsed.has(section.key)
        list.push({ kind: 'section', section, collapsed: isCollapsed })
        if (!isCollapsed) addRows(section.rows)
      }
    } else addRows(rows ?? [])
    return list
  }, [rows, sections, columns, sort, rowKey, collapsed])
  const rowEntries = useMemo(
    () => entries.filter((e): e is RowEntry<T> => e.kind === 'row'),
    [entries],
  )
  return { entries, rowEntries }
}

function useVirtualRows<T>(entries: Entry<T>[], scrollRef: RefObject<HTMLDivElement | null>) {
  const virtual = entries.length > VIRTUALIZE_ABOVE
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    enabled: virtual,
  })
  const items = virtual ? virtualizer.getVirtualItems() : null
  return {
    virtualizer: virtual ? virtualizer : null,
    visible: items ? items.map((item) => entries[item.index]!) : entries,
    paddingTop: items?.[0]?.start ?? 0,
    paddingBottom: items ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0,
  }
}

interface RowEventsInput<T> {
  props: DataTableProps<T>
  entries: Entry<T>[]
  rowEntries: RowEntry<T>[]
  virtualizer: Virtualizer<HTMLDivElement, Element> | null
  scrollRef: RefObject<HTMLDivElement | null>
}

/** Selection (with shift ranges), opening, deleting and arrow-key focus for the rows. */
function useRowEvents<T>({
  props,
  entries,
  rowEntries,
  virtualizer,
  scrollRef,
}: RowEventsInput<T>) {
  const { selected, onSelectedChange, onOpen, onDelete } = props
  const [activeKey, setActiveKey] = useState<string | null>(null)
  const lastChecked = useRef<number | null>(null)

  const toggle = (key: string, position: number, range: boolean) => {
    if (selected === undefined || onSelectedChange === undefined) return
    const next = new Set(selected)
    const on = !selected.has(key)
    const from = range && lastChecked.current !== null ? lastChecked.current : position
    const [low, high] = from < position ? [from, position] : [position, from]
    for (const entry of rowEntries.slice(low, high + 1)) {
      if (on) next.add(entry.key)
      else next.delete(entry.key)
    }
    lastChecked.current = position
    onSelectedChange(next)
  }

  const focusRow = (position: number) => {
    const entry = rowEntries[Math.max(0, Math.min(rowEntries.length - 1, position))]
    if (!entry) return
    setActiveKey(entry.key)
    virtualizer?.scrollToIndex(entries.indexOf(entry), { align: 'auto' })
    // Focus at once when the row is rendered, so keys pressed within one frame all count; a row
    // the virtualizer has yet to render gets focus on the next frame.
    const focusRendered = (): boolean => {
      const rows = scrollRef.current?.querySelectorAll<HTMLElement>('[data-row-key]') ?? []
      for (const row of rows) if (row.dataset.rowKey === entry.key) return (row.focus(), true)
      return false
    }
    if (!focusRendered()) requestAnimationFrame(focusRendered)
  }

  const onRowKey = (event: KeyboardEvent, entry: RowEntry<T>) => {
    if (event.target !== event.currentTarget) return
    if (event.key === 'Enter') onOpen?.(entry.row)
    else if (event.key === 'Delete' || (event.key === 'Backspace' && event.metaKey))
      onDelete?.(entry.row)
    else if (event.key === ' ') toggle(entry.key, entry.position, event.shiftKey)
    else if (event.key === 'ArrowDown') focusRow(entry.position + 1)
    else if (event.key === 'ArrowUp') focusRow(entry.position - 1)
    else if (event.key === 'Home') focusRow(0)
    else if (event.key === 'End') focusRow(rowEntries.length - 1)
    else return
    event.preventDefault()
  }

  const latest = useRef({ onRowKey, toggle, onOpen })
  useLayoutEffect(() => {
    latest.current = { onRowKey, toggle, onOpen }
  })
  // Stable across renders, so rows that did not change skip rendering (memo) while scrolling.
  const events = useMemo<RowEvents<T>>(
    () => ({
      open: (entry) => latest.current.onOpen?.(entry.row),
      key: (event, entry) => latest.current.onRowKey(event, entry),
      toggle: (entry, range) => latest.current.toggle(entry.key, entry.position, range),
      focus: (entry) => setActiveKey(entry.key),
    }),
    [],
  )
  return { events, tabbableKey: activeKey ?? rowEntries[0]?.key }
}

function useCollapsedSections() {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const toggle = (key: string) => {
    const next = new Set(collapsed)
    if (next.has(key)) next.delete(key)
    else next.add(key)
    setCollapsed(next)
  }
  return [collapsed, toggle] as const
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, selected, onSelectedChange } = props
  const [collapsed, toggleSection] = useCollapsedSections()
  const scrollRef = useRef<HTMLDivElement>(null)
  const { entries, rowEntries } = useTableEntries(props, collapsed)
  const { virtualizer, visible, paddingTop, paddingBottom } = useVirtualRows(entries, scrollRef)
  const { events, tabbableKey } = useRowEvents({
    props,
    entries,
    rowEntries,
    virtualizer,
    scrollRef,
  })

  const withSelection = selected !== undefined && onSelectedChange !== undefined
  const allKeys = rowEntries.map((e) => e.key)
  const selectedCount = withSelection ? allKeys.filter((k) => selected.has(k)).length : 0
  const colSpan = columns.length + (withSelection ? 1 : 0)

  return (
    <Box
      ref={scrollRef}
      className={classes.scroller}
      style={{ maxHeight: props.maxHeight ?? 'calc(100vh - 180px)' }}
    >
      <Table
        stickyHeader
        highlightOnHover
        verticalSpacing={4}
        horizontalSpacing="sm"
        fz="sm"
        className={classes.table}
        aria-label={props.label}
        aria-rowcount={rowEntries.length}
      >
        <Table.Thead>
          <TableHeadRow
            columns={columns}
            sort={props.sort}
            onSortChange={props.onSortChange}
            selection={
              withSelection ? { allKeys, selectedCount, onChange: onSelectedChange } : null
            }
          />
        </Table.Thead>
        <Table.Tbody>
          <SpacerRow height={paddingTop} colSpan={colSpan} />
          {visible.map((entry) =>
            entry.kind === 'section' ? (
              <SectionRow
                key={`section:${entry.section.key}`}
                section={entry.section}
                collapsed={entry.collapsed}
                colSpan={colSpan}
                onToggle={() => toggleSection(entry.section.key)}
              />
            ) : (
              <DataRow
                key={entry.key}
                entry={entry}
                columns={columns}
                withSelection={withSelection}
                selected={withSelection && selected.has(entry.key)}
                tabbable={entry.key === tabbableKey}
                events={events}
              />
            ),
          )}
          <SpacerRow height={paddingBottom} colSpan={colSpan} />
          {rowEntries.length === 0 && <NoMatchRow colSpan={colSpan} text={props.emptyText} />}
        </Table.Tbody>
      </Table>
    </Box>
  )
}
