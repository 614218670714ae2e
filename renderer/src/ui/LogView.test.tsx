import { describe, expect, it } from 'vitest'
import { render, screen } from '@testing-library/react'
import { MantineProvider } from '@mantine/core'
import type { ViewLine } from './log-window'
import { LogView } from './LogView'
import { emptyLogText } from './useLogStream'

const view = (lines: ViewLine[], emptyText?: string) =>
  render(
    <MantineProvider>
      <LogView label="Test logs" lines={lines} follow={false} emptyText={emptyText} />
    </MantineProvider>,
  )

describe('emptyLogText', () => {
  it('says waiting while nothing arrived, and which search hid the lines after', () => {
    expect(emptyLogText(0, 'boom', 'all', 'Waiting for output…')).toBe('Waiting for output…')
    expect(emptyLogText(3, 'boom', 'all', 'Waiting for output…')).toBe('No lines match “boom”')
    expect(emptyLogText(3, '', 'stderr', 'Waiting for output…')).toBe('No stderr lines')
  })
})

describe('LogView', () => {
  it('shows the empty text it is given when no line is left', () => {
    view([], emptyLogText(5, 'nowhere', 'all', 'No output.'))
    expect(screen.getByRole('log', { name: 'Test logs' })).toHaveTextContent(
      'No lines match “nowhere”',
    )
  })
  it('shows a structured line’s level and message first and its other keys dimmed', () => {
    view([{ seq: 1, kind: 'line', text: '{"msg":"ready","level":"info","port":8080}' }])
    const log = screen.getByRole('log', { name: 'Test logs' })
    expect(log).toHaveTextContent(/^INFO\s+ready port=8080$/)
    expect(screen.getByTestId('log-field')).toHaveTextContent('port=8080')
    expect(screen.getByTestId('log-field').className).toMatch(/field/)
  })
  it('wraps by default and keeps one line per row when wrap is off', () => {
    const lines: ViewLine[] = [{ seq: 1, kind: 'line', text: 'x'.repeat(500) }]
    localStorage.removeItem('maildock.logs.wrap')
    const { unmount } = view(lines)
    expect(screen.getByRole('log', { name: 'Test logs' })).toHaveAttribute('data-wrap', 'true')
    unmount()
    localStorage.setItem('maildock.logs.wrap', 'false')
    view(lines)
    expect(screen.getByRole('log', { name: 'Test logs' })).toHaveAttribute('data-wrap', 'false')
    localStorage.removeItem('maildock.logs.wrap')
  })
})
