import { memo, type KeyboardEvent, type MouseEvent } from 'react'
import { Checkbox, Table } from '@mantine/core'
import type { Column } from './DataTable'
import classes from './DataTable.module.css'

export const ROW_HEIGHT = 34

export interface RowEntry<T> {
  kind: 'row'
  row: T
  key: string
  position: number
}

export interface RowEvents<T> {
  open: (entry: RowEntry<T>) => void
  key: (event: KeyboardEvent, entry: RowEntry<T>) => void
  toggle: (entry: RowEntry<T>, range: boolean) => void
  focus: (entry: RowEntry<T>) => void
}

const stop = (event: MouseEvent) => event.stopPropagation()

function Cell<T>({ column, row }: { column: Column<T>; row: T }) {
  const content = column.render(row)
  const className = [
    column.interactive ? classes.actions : classes.cell,
    column.mono && classes.mono,
    column.compact && classes.compact,
  ]
    .filter(Boolean)
    .join(' ')
  return (
    <Table.Td
      ta={column.align}
      className={className}
      onClick={column.interactive ? stop : undefined}
      title={typeof content === 'string' ? content : undefined}
    >
      {content}
    </Table.Td>
  )
}

function DataRowInner<T>({
  entry,
  columns,
  withSelection,
  selected,
  tabbable,
  events,
}: {
  entry: RowEntry<T>
  columns: Column<T>[]
  withSelection: boolean
  selected: boolean
  tabbable: boolean
  events: RowEvents<T>
}) {
  return (
    <Table.Tr
      data-row-key={entry.key}
      tabIndex={tabbable ? 0 : -1}
      className={classes.row}
      aria-selected={withSelection ? selected : undefined}
      onFocus={() => events.focus(entry)}
      onClick={() => events.open(entry)}
      onKeyDown={(event) => events.key(event, entry)}
      style={{ height: ROW_HEIGHT }}
    >
      {withSelection && (
        <Table.Td onClick={stop}>
          <Checkbox
            size="xs"
            aria-label={`Select ${entry.key}`}
            checked={selected}
            onChange={(event) =>
              events.toggle(entry, (event.nativeEvent as globalThis.MouseEvent).shiftKey)
            }
          />
        </Table.Td>
      )}
      {columns.map((column) => (
        <Cell key={column.key} column={column} row={entry.row} />
      ))}
    </Table.Tr>
  )
}

/** One table row; unchanged rows skip rendering while the table scrolls or selection moves. */
export const DataRow = memo(DataRowInner) as typeof DataRowInner
