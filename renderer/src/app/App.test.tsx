import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { beforeEach, describe, expect, it } from 'vitest'
import { EngineStatusProvider } from '../transport/engine-status'
import { fakeBridge, renderWithClient } from '../test/render'
import { App } from './App'
import { panels } from './panels'
import { panelIndexForKey, panelShortcut } from './shortcuts'

const renderApp = () =>
  renderWithClient(
    <EngineStatusProvider>
      <input aria-label="Some text field" />
      <App />
    </EngineStatusProvider>,
    fakeBridge().bridge,
  )

const indexOf = (id: string) => panels.findIndex((p) => p.id === id)

const press = (target: Element, code: string, shift = false) =>
  fireEvent.keyDown(target, {
    code,
    key: code.replace(/^(Digit|Key)/, ''),
    ctrlKey: true,
    shiftKey: shift,
  })

beforeEach(() => {
  window.location.hash = '#/engine'
})

describe('panel shortcuts', { timeout: 20_000 }, () => {
  it('gives every panel a distinct key, read back to the same panel', () => {
    const seen = new Set<string>()
    panels.forEach((_, index) => {
      const shortcut = panelShortcut(index)
      expect(shortcut).not.toBeNull()
      const key = `${shortcut!.shift ? 'shift+' : ''}${shortcut!.code}`
      expect(seen.has(key)).toBe(false)
      seen.add(key)
      const event = new KeyboardEvent('keydown', {
        code: shortcut!.code,
        ctrlKey: true,
        shiftKey: shortcut!.shift,
      })
      expect(panelIndexForKey(event)).toBe(index)
    })
  })

  it('switches panels with Ctrl+digit even while a text field has focus', async () => {
    renderApp()
    const field = screen.getByLabelText('Some text field')
    field.focus()
    press(field, panelShortcut(indexOf('networks'))!.code)
    await waitFor(() => expect(window.location.hash).toBe('#/networks'))
    expect(document.activeElement).toBe(field)
    const settings = panelShortcut(indexOf('settings'))!
    press(field, settings.code, settings.shift)
    await waitFor(() => expect(window.location.hash).toBe('#/settings'))
  })

  it('opens the command palette with Ctrl+K and goes where the user picks', async () => {
    renderApp()
    press(document.body, 'KeyK')
    const dialog = await screen.findByRole('dialog', { name: 'Go to a panel or run an action' })
    const input = within(dialog).getByPlaceholderText('Type a panel or an action…')
    await userEvent.type(input, 'Volumes')
    await waitFor(() => expect(within(dialog).queryByText('Go to Engine')).not.toBeInTheDocument())
    await userEvent.keyboard('{Enter}')
    await waitFor(() => expect(window.location.hash).toBe('#/volumes'))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
  })

  it('has one level-one heading and a skip link that moves focus to the panel', async () => {
    renderApp()
    expect(screen.getAllByRole('heading', { level: 1 })).toHaveLength(1)
    const skip = screen.getByRole('link', { name: 'Skip to content' })
    await userEvent.click(skip)
    expect(document.activeElement?.id).toBe('main')
    expect(window.location.hash).toBe('#/engine')
  })
})

describe('first start', () => {
  const absent = {
    name: 'maildock',
    engine: { state: 'connected', error: null },
    state: 'absent',
    busy: null,
    services: [],
    network: { name: 'maildock', exists: false },
    volumes: [],
    problems: [],
    checkedAt: 0,
  }
  const renderWithStack = () => {
    const fake = fakeBridge()
    renderWithClient(
      <EngineStatusProvider>
        <App />
      </EngineStatusProvider>,
      fake.bridge,
    )
    return fake
  }

  it('opens on Stack when no stack exists and no panel is named in the URL', async () => {
    window.location.hash = ''
    const { push } = renderWithStack()
    push('stack:changed', absent)
    await waitFor(() => expect(window.location.hash).toBe('#/stack'))
  })

  it('stays on a panel the user chose before the stack state arrived', async () => {
    window.location.hash = ''
    const { push } = renderWithStack()
    window.location.hash = '#/engine'
    await waitFor(() => expect(screen.getByRole('heading', { name: 'Engine' })).toBeVisible())
    push('stack:changed', absent)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(window.location.hash).toBe('#/engine')
  })
})
