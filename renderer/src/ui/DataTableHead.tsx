import type { ReactNode } from 'react'
import { ActionIcon, Checkbox, Group, Table, Text, UnstyledButton } from '@mantine/core'
import { IconChevronDown, IconChevronRight, IconChevronUp, IconSelector } from '@tabler/icons-react'
import classes from './DataTable.module.css'
import type { Column, SortState, TableSection } from './DataTable'

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

function ColumnHeader<T>({
  column,
  sort,
  onSortChange,
}: {
  column: Column<T>
  sort: SortState | null
  onSortChange: (sort: SortState) => void
}) {
  const direction = sort?.key === column.key ? sort.direction : null
  return (
    <Table.Th
      w={column.width}
      ta={column.align}
      aria-sort={direction ? (direction === 'asc' ? 'ascending' : 'descending') : undefined}
    >
      {column.compare ? (
        <SortHeader
          label={column.header}
          state={direction}
          onClick={() =>
            onSortChange({ key: column.key, direction: direction === 'asc' ? 'desc' : 'asc' })
          }
        />
      ) : (
        <Text fw={600} size="xs" tt="uppercase" c="dimmed" span>
          {column.header}
        </Text>
      )}
    </Table.Th>
  )
}

/** The header row: a select-all box when rows can be selected, then one header per column. */
export function TableHeadRow<T>({
  columns,
  sort,
  onSortChange,
  selection,
}: {
  columns: Column<T>[]
  sort: SortState | null
  onSortChange: (sort: SortState) => void
  selection: {
    allKeys: string[]
    selectedCount: number
    onChange: (next: Set<string>) => void
  } | null
}) {
  return (
    <Table.Tr>
      {selection && (
        <Table.Th w={36}>
          <Checkbox
            size="xs"
            aria-label="Select all"
            checked={
              selection.selectedCount > 0 && selection.selectedCount === selection.allKeys.length
            }
            indeterminate={
              selection.selectedCount > 0 && selection.selectedCount < selection.allKeys.length
            }
            onChange={() =>
              selection.onChange(
                new Set(
                  selection.selectedCount === selection.allKeys.length ? [] : selection.allKeys,
                ),
              )
            }
          />
        </Table.Th>
      )}
      {columns.map((column) => (
        <ColumnHeader key={column.key} column={column} sort={sort} onSortChange={onSortChange} />
      ))}
    </Table.Tr>
  )
}

export function SectionRow<T>({
  section,
  collapsed,
  colSpan,
  onToggle,
}: {
  section: TableSection<T>
  collapsed: boolean
  colSpan: number
  onToggle: () => void
}) {
  return (
    <Table.Tr className={classes.section}>
      <Table.Td colSpan={colSpan}>
        <Group gap={6} wrap="nowrap">
          <ActionIcon
            size="sm"
            variant="subtle"
            color="gray"
            aria-label={`${collapsed ? 'Expand' : 'Collapse'} ${section.key}`}
            onClick={onToggle}
          >
            {collapsed ? <IconChevronRight size={14} /> : <IconChevronDown size={14} />}
          </ActionIcon>
          {section.header}
        </Group>
      </Table.Td>
    </Table.Tr>
  )
}

/** Stands in for the rows the virtualizer does not render, so the scrollbar stays true. */
export function SpacerRow({ height, colSpan }: { height: number; colSpan: number }) {
  if (height <= 0) return null
  return (
    <tr aria-hidden>
      <td colSpan={colSpan} style={{ height, padding: 0 }} />
    </tr>
  )
}

export function NoMatchRow({ colSpan, text }: { colSpan: number; text?: string }) {
  return (
    <Table.Tr>
      <Table.Td colSpan={colSpan}>
        <Text c="dimmed" size="sm" ta="center" py="md" data-testid="table-no-match">
          {text ?? 'Nothing matches the filter.'}
        </Text>
      </Table.Td>
    </Table.Tr>
  )
}
