import {
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type ReactNode,
} from 'react'
import { ActionIcon, Box, Checkbox, Group, Table, Text, UnstyledButton } from '@mantine/core'
import { IconChevronDown, IconChevronRight, IconChevronUp, IconSelector } from '@tabler/icons-react'
import { useVirtualizer } from '@tanstack/react-virtual'
import classes from './DataTable.module.css'
import { DataRow, ROW_HEIGHT, type RowEntry, type RowEvents } from './DataRow'

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

function SortHeader({
  label,
  state,
  onClick,
}: {
  label: ReactNode
  state: 'asc' | 'desc' | null
  onClick: () => void
}) {
  const Icon = state === 'asc' ? IconChevronUp : state === 'desc' ? IconChevronDown : IconSelector
  return (
    <UnstyledButton onClick={onClick} className={classes.sortButton}>
      <Group gap={4} wrap="nowrap">
        <Text fw={600} size="xs" tt="uppercase" c="dimmed" span>
          {label}
        </Text>
        <Icon size={13} stroke={1.6} />
      </Group>
    </UnstyledButton>
  )
}

export function DataTable<T>(props: DataTableProps<T>) {
  const { columns, rowKey, sort, selected, onSelectedChange, onOpen, onDelete } = props
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const [activeKey, setActiveKey] = useState<string | null>(null)
  const lastChecked = useRef<number | null>(null)
  const scrollRef = useRef<HTMLDivElement>(null)

  const entries = useMemo(() => {
    const list: Entry<T>[] = []
    let position = 0
    const addRows = (rows: T[]) => {
      for (const row of sortRows(rows, columns, sort))
        list.push({ kind: 'row', row, key: rowKey(row), position: position++ })
    }
    if (props.sections) {
      for (const section of props.sections) {
        const isCollapsed = collapsed.has(section.key)
        list.push({ kind: 'section', section, collapsed: isCollapsed })
        if (!isCollapsed) addRows(section.rows)
      }
    } else addRows(props.rows ?? [])
    return list
  }, [props.rows, props.sections, columns, sort, rowKey, collapsed])

  const rowEntries = useMemo(
    () => entries.filter((e): e is RowEntry<T> => e.kind === 'row'),
    [entries],
  )
  const virtual = entries.length > VIRTUALIZE_ABOVE
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 15,
    enabled: virtual,
  })
  const items = virtual ? virtualizer.getVirtualItems() : null
  const visible = items ? items.map((item) => entries[item.index]!) : entries
  const paddingTop = items?.[0]?.start ?? 0
  const paddingBottom = items ? virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0) : 0

  const withSelection = selected !== undefined && onSelectedChange !== undefined
  const allKeys = rowEntries.map((e) => e.key)
  const selectedCount = withSelection ? allKeys.filter((k) => selected.has(k)).length : 0
  const colSpan = columns.length + (withSelection ? 1 : 0)

  const toggle = (key: string, position: number, range: boolean) => {
    if (!withSelection) return
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
    if (virtual) virtualizer.scrollToIndex(entries.indexOf(entry), { align: 'auto' })
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

  const tabbableKey = activeKey ?? rowEntries[0]?.key
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
          <Table.Tr>
            {withSelection && (
              <Table.Th w={36}>
                <Checkbox
                  size="xs"
                  aria-label="Select all"
                  checked={selectedCount > 0 && selectedCount === allKeys.length}
                  indeterminate={selectedCount > 0 && selectedCount < allKeys.length}
                  onChange={() =>
                    onSelectedChange(new Set(selectedCount === allKeys.length ? [] : allKeys))
                  }
                />
              </Table.Th>
            )}
            {columns.map((column) => (
              <Table.Th
                key={column.key}
                w={column.width}
                ta={column.align}
                aria-sort={
                  sort?.key === column.key
                    ? sort.direction === 'asc'
                      ? 'ascending'
                      : 'descending'
                    : undefined
                }
              >
                {column.compare ? (
                  <SortHeader
                    label={column.header}
                    state={sort?.key === column.key ? sort.direction : null}
                    onClick={() =>
                      props.onSortChange({
                        key: column.key,
                        direction:
                          sort?.key === column.key && sort.direction === 'asc' ? 'desc' : 'asc',
                      })
                    }
                  />
                ) : (
                  <Text fw={600} size="xs" tt="uppercase" c="dimmed" span>
                    {column.header}
                  </Text>
                )}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {paddingTop > 0 && (
            <tr aria-hidden>
              <td colSpan={colSpan} style={{ height: paddingTop, padding: 0 }} />
            </tr>
          )}
          {visible.map((entry) =>
            entry.kind === 'section' ? (
              <Table.Tr key={`section:${entry.section.key}`} className={classes.section}>
                <Table.Td colSpan={colSpan}>
                  <Group gap={6} wrap="nowrap">
                    <ActionIcon
                      size="sm"
                      variant="subtle"
                      color="gray"
                      aria-label={`${entry.collapsed ? 'Expand' : 'Collapse'} ${entry.section.key}`}
                      onClick={() => {
                        const next = new Set(collapsed)
                        if (entry.collapsed) next.delete(entry.section.key)
                        else next.add(entry.section.key)
                        setCollapsed(next)
                      }}
                    >
                      {entry.collapsed ? (
                        <IconChevronRight size={14} />
                      ) : (
                        <IconChevronDown size={14} />
                      )}
                    </ActionIcon>
                    {entry.section.header}
                  </Group>
                </Table.Td>
              </Table.Tr>
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
          {paddingBottom > 0 && (
            <tr aria-hidden>
              <td colSpan={colSpan} style={{ height: paddingBottom, padding: 0 }} />
            </tr>
          )}
          {rowEntries.length === 0 && (
            <Table.Tr>
              <Table.Td colSpan={colSpan}>
                <Text c="dimmed" size="sm" ta="center" py="md" data-testid="table-no-match">
                  {props.emptyText ?? 'Nothing matches the filter.'}
                </Text>
              </Table.Td>
            </Table.Tr>
          )}
        </Table.Tbody>
      </Table>
    </Box>
  )
}
