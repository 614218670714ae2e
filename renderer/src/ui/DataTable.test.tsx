import { useState } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { render, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MantineProvider } from '@mantine/core'
import { DataTable, VIRTUALIZE_ABOVE, type Column, type SortState } from './DataTable'

interface Item {
  id: string
  size: number
}
const columns: Column<Item>[] = [
  { key: 'id', header: 'Id', compare: (a, b) => a.id.localeCompare(b.id), render: (i) => i.id },
  {
    key: 'size',
    header: 'Size',
    compare: (a, b) => a.size - b.size,
    render: (i) => String(i.size),
  },
]
const items = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ id: `item-${String(i).padStart(4, '0')}`, size: n - i }))

function Harness({
  rows,
  onOpen = () => undefined,
  onDelete = () => undefined,
}: {
  rows: Item[]
  onOpen?: (item: Item) => void
  onDelete?: (item: Item) => void
}) {
  const [sort, setSort] = useState<SortState>({ key: 'id', direction: 'asc' })
  const [selected, setSelected] = useState<Set<string>>(new Set())
  return (
    <MantineProvider>
      <DataTable
        label="Items"
        columns={columns}
        rows={rows}
        rowKey={(i) => i.id}
        sort={sort}
        onSortChange={setSort}
        selected={selected}
        onSelectedChange={setSelected}
        onOpen={onOpen}
        onDelete={onDelete}
      />
      <output data-testid="selected">{[...selected].join(',')}</output>
    </MantineProvider>
  )
}

const domRows = () => document.querySelectorAll('tr[data-row-key]')

describe('DataTable', () => {
  it('renders every row of a short list, and only a window of a long one', () => {
    const { unmount } = render(<Harness rows={items(20)} />)
    expect(domRows()).toHaveLength(20)
    unmount()
    render(<Harness rows={items(500)} />)
    expect(VIRTUALIZE_ABOVE).toBeLessThan(500)
    expect(domRows().length).toBeLessThan(60)
    expect(screen.getByRole('table', { name: 'Items' })).toHaveAttribute('aria-rowcount', '500')
  })

  it('moves with the arrow keys, opens with Enter, asks to delete with Delete', async () => {
    const onOpen = vi.fn()
    const onDelete = vi.fn()
    render(<Harness rows={items(5)} onOpen={onOpen} onDelete={onDelete} />)
    ;(domRows()[0] as HTMLElement).focus()
    await userEvent.keyboard('{ArrowDown}{ArrowDown}')
    await vi.waitFor(() => expect(document.activeElement).toBe(domRows()[2]))
    await userEvent.keyboard('{Enter}')
    expect(onOpen).toHaveBeenCalledWith({ id: 'item-0002', size: 3 })
    await userEvent.keyboard('{Delete}')
    expect(onDelete).toHaveBeenCalledWith({ id: 'item-0002', size: 3 })
  })

  it('selects a range with shift-click and everything with the header box', async () => {
    render(<Harness rows={items(6)} />)
    const boxes = () => domRows()
    await userEvent.click(within(boxes()[1] as HTMLElement).getByRole('checkbox'))
    const user = userEvent.setup()
    await user.keyboard('{Shift>}')
    await user.click(within(boxes()[3] as HTMLElement).getByRole('checkbox'))
    await user.keyboard('{/Shift}')
    expect(screen.getByTestId('selected')).toHaveTextContent('item-0001,item-0002,item-0003')
    await userEvent.click(screen.getByRole('checkbox', { name: 'Select all' }))
    expect(screen.getByTestId('selected').textContent?.split(',')).toHaveLength(6)
  })

  it('sorts by the clicked column', async () => {
    render(<Harness rows={items(3)} />)
    await userEvent.click(screen.getByRole('button', { name: /Size/ }))
    expect([...domRows()].map((r) => r.getAttribute('data-row-key'))).toEqual([
      'item-0002',
      'item-0001',
      'item-0000',
    ])
  })
})
