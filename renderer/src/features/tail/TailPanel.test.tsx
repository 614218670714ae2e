import { configure } from '@testing-library/dom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, cleanup, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { TailLine } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { TailPanel } from './TailPanel'

// jsdom lays nothing out: give elements a client size so the virtualizer renders rows.
// A busy machine renders slowly: give async queries room.
configure({ asyncUtilTimeout: 5_000 })

const sizes = ['clientHeight', 'clientWidth'] as const
beforeAll(() => {
  for (const size of sizes) {
    Object.defineProperty(HTMLElement.prototype, size, { configurable: true, get: () => 600 })
  }
})
afterAll(() => {
  for (const size of sizes) Reflect.deleteProperty(HTMLElement.prototype, size)
})

const line = (n: number, text = `line ${n}`, extra: Partial<TailLine> = {}): TailLine => ({
  key: `k${n}`,
  ts: Date.UTC(2025, 0, 1, 10, 0, 0, n),
  service: 'api',
  container: 'stack-api-1',
  stream: 'stdout',
  level: 'info',
  text,
  ...extra,
})

function setup() {
  const fake = fakeBridge({
    'logs:sources': () => ({
      sources: [
        { id: 'a1', name: 'stack-api-1', service: 'api', state: 'running', stack: true },
        { id: 'o1', name: 'other', service: 'other', state: 'running', stack: false },
      ],
    }),
    'logs:search': () => ({ entries: [], nextCursor: null, notice: null, tookMs: 1 }),
  })
  renderWithClient(<TailPanel height={600} />, fake.bridge)
  const push = (lines: TailLine[], extra: { dropped?: number; historyDone?: boolean } = {}) =>
    act(() => fake.push('logs:tail', { lines, dropped: extra.dropped ?? 0, ...extra }))
  const shown = () => screen.queryAllByTestId('tail-line').map((row) => row.textContent ?? '')
  return { ...fake, push, shown }
}

describe('TailPanel', () => {
  it('subscribes to every stack service and shows the lines', async () => {
    const { bridge, push, shown } = setup()
    expect(bridge.subscribe).toHaveBeenCalledWith(
      'logs:tail',
      { history: 500 },
      expect.any(Function),
    )
    push([line(1), line(2)], { historyDone: true })
    await waitFor(() => expect(shown()).toHaveLength(2))
    expect(shown()[1]).toContain('line 2')
    expect(screen.getByTestId('tail-state')).toHaveTextContent('following')
  })

  it('renders ANSI colours as styled spans and highlights search matches', async () => {
    const { push } = setup()
    push([line(1, '\u001b[31mERROR\u001b[0m disk full')])
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(1))
    const row = screen.getByTestId('tail-line')
    expect(row).toHaveTextContent('ERROR disk full')
    expect(row.textContent).not.toContain('\u001b')
    expect(within(row).getByText('ERROR')).toHaveStyle({ color: 'rgb(187, 0, 0)' })
    await userEvent.type(screen.getByLabelText('Search lines'), 'disk')
    expect(row.querySelector('mark')).toHaveTextContent('disk')
  })

  it('pretty-prints JSON lines when asked', async () => {
    const { push } = setup()
    push([line(1, '{"level":30,"msg":"hello"}')])
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(1))
    await userEvent.click(screen.getByLabelText('Pretty JSON'))
    expect(screen.getByTestId('tail-line').textContent).toContain('"msg": "hello"')
  })

  it('shows a JSON line as level and msg first, the other keys dimmed after it', async () => {
    const { push } = setup()
    push([line(1, '{"level":50,"time":1,"pid":7,"msg":"send failed","to":"bob@example.com"}')])
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(1))
    const row = screen.getByTestId('tail-line')
    expect(row.textContent).toMatch(/ERROR\s+send failed pid=7 to=bob@example\.com$/)
    expect(
      within(row)
        .getAllByTestId('log-field')
        .map((f) => f.textContent),
    ).toEqual([' pid=7', ' to=bob@example.com'])
  })

  it('moves a service’s own timestamp and level out of the message', async () => {
    const { push } = setup()
    push([line(1, '2026-12-01 10:00:00.123456+00:00 [warning] <0.123.0> client closed')])
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(1))
    const row = screen.getByTestId('tail-line')
    expect(within(row).getByTestId('log-level')).toHaveTextContent('WARN')
    expect(row.textContent).not.toContain('2026-12-01')
    expect(row.textContent).toMatch(/WARN\s+client closed$/)
  })

  it('wraps lines by default, and keeps one line per row once toggled, remembered', async () => {
    localStorage.removeItem('maildock.logs.wrap')
    const first = setup()
    first.push([line(1, 'a long line '.repeat(40))])
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(1))
    expect(screen.getByTestId('tail-line').className).toMatch(/wrap/)
    await userEvent.click(screen.getByLabelText('Wrap lines'))
    await waitFor(() => expect(screen.getByTestId('tail-line').className).not.toMatch(/wrap/))
    expect(localStorage.getItem('maildock.logs.wrap')).toBe('false')
    cleanup()
    const second = setup()
    second.push([line(2)])
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(1))
    expect(screen.getByLabelText('Wrap lines')).not.toBeChecked()
    expect(screen.getByTestId('tail-line').className).not.toMatch(/wrap/)
    localStorage.removeItem('maildock.logs.wrap')
  })

  it('pauses, counts new lines, and shows every one of them on resume', async () => {
    const { push, shown } = setup()
    push([line(1), line(2)])
    await waitFor(() => expect(shown()).toHaveLength(2))
    await userEvent.click(screen.getByRole('button', { name: 'Pause' }))
    push([line(3), line(4), line(5)])
    await waitFor(() =>
      expect(screen.getByTestId('tail-new-lines')).toHaveTextContent('3 new lines'),
    )
    expect(shown()).toHaveLength(2)
    await userEvent.click(screen.getByTestId('tail-new-lines'))
    await waitFor(() => expect(shown()).toHaveLength(5))
    expect(shown().map((text) => /line \d/.exec(text)?.[0])).toEqual([
      'line 1',
      'line 2',
      'line 3',
      'line 4',
      'line 5',
    ])
  })

  it('draws only the last lines while following, whatever the window holds', async () => {
    const { push, shown } = setup()
    push(Array.from({ length: 3_000 }, (_, i) => line(i + 1)))
    await waitFor(() => expect(shown().at(-1)).toContain('line 3000'))
    // A pane's worth (jsdom's window height in one-line rows) and a few above: not 3,000 rows.
    expect(shown().length).toBeGreaterThan(10)
    expect(shown().length).toBeLessThan(100)
    expect(screen.getByTestId('tail-counts')).toHaveTextContent('3,000 received')
    expect(screen.getByText('3,000')).toBeInTheDocument()
  })

  it('filters by level and says how many lines main had to skip', async () => {
    const { push, shown } = setup()
    push([line(1), line(2, 'boom', { level: 'error' })], { dropped: 7 })
    await waitFor(() => expect(shown()).toHaveLength(2))
    expect(screen.getByTestId('tail-counts')).toHaveTextContent('7 lines skipped')
    const select = screen.getByTestId('tail-level')
    await userEvent.click(select)
    const listbox = document.getElementById(select.getAttribute('aria-controls') ?? '')!
    await userEvent.click(
      within(listbox).getByRole('option', { name: 'Errors only', hidden: true }),
    )
    await waitFor(() => expect(shown()).toHaveLength(1))
    expect(shown()[0]).toContain('boom')
  })

  it('says no line matches when a search hides every line, not that none came', async () => {
    const { push, shown } = setup()
    expect(screen.getByTestId('tail-empty')).toHaveTextContent('No lines yet.')
    push([line(1), line(2)])
    await waitFor(() => expect(shown()).toHaveLength(2))
    await userEvent.click(screen.getByLabelText('Only matches'))
    await userEvent.type(screen.getByLabelText('Search lines'), 'nowhere')
    await waitFor(() => expect(shown()).toHaveLength(0))
    expect(screen.getByTestId('tail-empty')).toHaveTextContent('No lines match “nowhere”')
  })

  it('reads older lines back from the store', async () => {
    const fake = fakeBridge({
      'logs:sources': () => ({ sources: [] }),
      'logs:search': () => ({
        entries: [
          {
            id: 9,
            key: 'old',
            ts: Date.UTC(2025, 0, 1),
            source: 'container',
            service: 'api',
            container: 'stack-api-1',
            stream: 'stdout',
            level: 'info',
            emailId: null,
            status: null,
            subject: null,
            recipients: [],
            text: 'from the store',
            raw: 'from the store',
          },
        ],
        nextCursor: null,
        notice: null,
        tookMs: 1,
      }),
    })
    renderWithClient(<TailPanel height={600} />, fake.bridge)
    act(() => fake.push('logs:tail', { lines: [line(5)], dropped: 0 }))
    await userEvent.click(await screen.findByRole('button', { name: 'Older lines' }))
    await waitFor(() => expect(screen.getAllByTestId('tail-line')).toHaveLength(2))
    expect(screen.getAllByTestId('tail-line')[0]).toHaveTextContent('from the store')
    expect(fake.bridge.call).toHaveBeenCalledWith('logs:search', {
      query: { sources: ['container'], to: line(5).ts + 1 },
      limit: 500,
    })
    expect(screen.getByRole('button', { name: 'No older lines' })).toBeDisabled()
  })

  it('shows why the stream stopped, with a way to reconnect', async () => {
    const { bridge } = setup()
    const onMessage = bridge.subscribe.mock.calls[0]![2]
    act(() =>
      onMessage({
        type: 'error',
        error: { code: 'ENGINE_UNREACHABLE', message: 'Lost the Docker engine' },
      }),
    )
    expect(await screen.findByTestId('tail-error')).toHaveTextContent('Lost the Docker engine')
    await userEvent.click(screen.getByRole('button', { name: 'Reconnect' }))
    expect(bridge.subscribe).toHaveBeenCalledTimes(2)
  })
})
