// The Containers table's port and name cells: no port number is ever cut, published ports come
// first, a long name keeps its end and says the whole name on hover.
import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import type { PortMapping } from '../../../../shared/contract'
import tableClasses from '../../ui/DataTable.module.css'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { ContainersPanel } from './ContainersPanel'
import { container, listOf } from './fixtures'

const catcherPorts: PortMapping[] = [
  { containerPort: 1025, protocol: 'tcp' },
  { containerPort: 8025, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 28025 },
  { containerPort: 5353, protocol: 'udp', hostIp: '127.0.0.1', hostPort: 25353 },
  { containerPort: 9000, protocol: 'tcp' },
]
const emailers = [1, 2, 3].map((n) =>
  container({ name: `mdbars-7f3a9c-emailer-${n}`, ports: n === 1 ? catcherPorts : [] }),
)

function renderTable() {
  const fake = fakeBridge({ 'containers:list': () => listOf(emailers) })
  renderWithClient(
    <EngineStatusProvider>
      <ContainersPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
}

/** Every element from `element` up to its table cell, the cell included. */
function upToCell(element: HTMLElement): HTMLElement[] {
  const chain: HTMLElement[] = []
  for (let at: HTMLElement | null = element; at; at = at.parentElement) {
    chain.push(at)
    if (at.tagName === 'TD') return chain
  }
  throw new Error('not inside a table cell')
}

describe('Containers table cells', () => {
  it('shows published ports first, each in full, with nothing that could cut a port number', async () => {
    renderTable()
    const cell = await screen.findByTestId('ports-cell')
    const ports = within(cell).getAllByTestId('port')
    expect(ports.map((p) => p.textContent)).toEqual([
      '127.0.0.1:25353→5353/udp',
      '127.0.0.1:28025→8025',
    ])
    expect(within(cell).getByText('+2')).toBeInTheDocument()
    expect(within(cell).getByRole('link', { name: '127.0.0.1:28025→8025' })).toHaveAttribute(
      'href',
      'http://127.0.0.1:28025',
    )
    // The full list, unpublished ones too, on hover.
    expect(cell.title.split('\n')).toEqual([
      '127.0.0.1:25353→5353/udp',
      '127.0.0.1:28025→8025/tcp',
      '1025/tcp',
      '9000/tcp',
    ])
    for (const port of ports) {
      expect(getComputedStyle(port).whiteSpace).toBe('nowrap')
      expect(getComputedStyle(port).flexShrink).toBe('0')
      for (const element of upToCell(port)) {
        expect(getComputedStyle(element).textOverflow).not.toBe('ellipsis')
        expect(element.classList.contains(tableClasses.cell ?? 'cell')).toBe(false)
      }
    }
  })

  it('cuts a long name in the middle, keeping the replica number and the full name on hover', async () => {
    renderTable()
    const names = await screen.findAllByTestId('middle-ellipsis')
    expect(names.map((n) => n.textContent)).toEqual(emailers.map((c) => c.name))
    for (const [index, name] of names.entries()) {
      expect(name).toHaveAttribute('title', `mdbars-7f3a9c-emailer-${index + 1}`)
      const [head, tail] = [...name.children] as HTMLElement[]
      expect(tail?.textContent).toBe(`9c-emailer-${index + 1}`)
      expect(head?.textContent).toBe(name.textContent?.slice(0, -12))
    }
  })
})
