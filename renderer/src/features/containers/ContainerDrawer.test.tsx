import { describe, expect, it, vi } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ContainerStats, LogBatch, StreamMessage } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { ContainerDrawer } from './ContainerDrawer'
import { api, detailOf, oldJob } from './fixtures'

// uPlot draws on a canvas, which jsdom lacks; the figures beside each chart are what is asserted.
vi.mock('../../ui/Sparkline', () => ({
  Sparkline: ({ label, times }: { label: string; times: number[] }) => (
    <div role="img" aria-label={label} data-points={times.length} />
  ),
}))

function setup(summary = api, onClose = () => undefined) {
  const fake = fakeBridge({ 'containers:inspect': () => detailOf(summary) })
  const unsubscribed: string[] = []
  const subscribe = fake.bridge.subscribe.getMockImplementation()!
  fake.bridge.subscribe.mockImplementation(
    (event: string, input: unknown, onMessage: (m: StreamMessage) => void) => {
      const off = subscribe(event, input, onMessage)
      return () => {
        unsubscribed.push(event)
        return off()
      }
    },
  )
  const view = renderWithClient(
    <ContainerDrawer
      id={summary.id}
      summary={summary}
      busy={false}
      onAction={() => undefined}
      onClose={onClose}
    />,
    fake.bridge,
  )
  return { ...fake, unsubscribed, view }
}

const sample = (at: number, overrides: Partial<ContainerStats> = {}): ContainerStats => ({
  id: api.id,
  at,
  cpuPercent: 12.5,
  cpus: 2,
  memoryBytes: 64 * 1024 * 1024,
  memoryLimitBytes: 1024 * 1024 * 1024,
  memoryPercent: 6.25,
  networkRxBytes: 1000,
  networkTxBytes: 500,
  blockReadBytes: 0,
  blockWriteBytes: 0,
  pids: 7,
  ...overrides,
})

const batch = (texts: string[], dropped = 0, stream: 'stdout' | 'stderr' = 'stdout'): LogBatch => ({
  lines: texts.map((text, i) => ({ stream, time: `2026-01-01T10:00:0${i}.123456789Z`, text })),
  dropped,
})

describe('ContainerDrawer', { timeout: 20_000 }, () => {
  it('shows inspect data with secret-looking values masked, mounts, networks and health log', async () => {
    setup()
    const inspect = await screen.findByTestId('container-inspect')
    expect(within(inspect).getByTestId('masked-SMTP_PASSWORD')).toHaveTextContent('********')
    expect(within(inspect).getByText('production')).toBeInTheDocument()
    expect(
      within(screen.getByRole('table', { name: 'Mounts' })).getByText('/data'),
    ).toBeInTheDocument()
    expect(
      within(screen.getByRole('table', { name: 'Networks' })).getByText('172.30.0.5'),
    ).toBeInTheDocument()
    expect(
      within(screen.getByRole('table', { name: 'Health log' })).getByText('GET /health 200'),
    ).toBeInTheDocument()
    expect(inspect).toHaveTextContent('127.0.0.1:5001→3000/tcp')
    expect(inspect).toHaveTextContent('unless-stopped')
  })

  it('streams stats while the tab is shown, with rates from the counters, and stops on leaving it', async () => {
    const { push, bridge, unsubscribed } = setup()
    await userEvent.click(screen.getByRole('tab', { name: 'Stats' }))
    expect(screen.getByTestId('stats-waiting')).toBeInTheDocument()
    expect(bridge.subscribe).toHaveBeenCalledWith(
      'containers:stats',
      { id: api.id },
      expect.any(Function),
    )
    act(() => push('containers:stats', sample(1000)))
    act(() =>
      push('containers:stats', sample(2000, { cpuPercent: 150, networkRxBytes: 1000 + 2048 })),
    )
    expect(screen.getByTestId('stat-cpu')).toHaveTextContent('150 %')
    expect(screen.getByTestId('stat-memory')).toHaveTextContent('64 MiB')
    expect(screen.getByTestId('stat-network')).toHaveTextContent('↓ 2.0 KiB/s')
    expect(screen.getByRole('img', { name: 'CPU history' })).toHaveAttribute('data-points', '2')
    await userEvent.click(screen.getByRole('tab', { name: 'Inspect' }))
    expect(unsubscribed).toContain('containers:stats')
  })

  it('says there are no live figures for a stopped container', async () => {
    setup(oldJob)
    await userEvent.click(screen.getByRole('tab', { name: 'Stats' }))
    expect(screen.getByTestId('stats-not-running')).toBeInTheDocument()
  })

  it('follows logs, shows stderr, counts skipped lines, filters, and unsubscribes on close', async () => {
    const { push, bridge, unsubscribed, view } = setup()
    await userEvent.click(screen.getByRole('tab', { name: 'Logs' }))
    expect(bridge.subscribe).toHaveBeenCalledWith(
      'containers:logs',
      { id: api.id, tail: 500, follow: true },
      expect.any(Function),
    )
    act(() => push('containers:logs', batch(['listening on 3000', 'ready'])))
    act(() => push('containers:logs', batch(['disk almost full'], 0, 'stderr')))
    act(() => push('containers:logs', batch(['after the gap'], 1234)))
    const log = screen.getByRole('log', { name: 'Container logs' })
    expect(log).toHaveTextContent('listening on 3000')
    expect(log).toHaveTextContent('disk almost full')
    expect(screen.getByTestId('logs-dropped')).toHaveTextContent('1,234 lines skipped')
    expect(within(log).getByTestId('log-skip')).toHaveTextContent('1,234 lines skipped')
    expect(screen.getByTestId('logs-count')).toHaveTextContent('5 lines')

    await userEvent.click(screen.getByText('stderr'))
    expect(log).not.toHaveTextContent('listening on 3000')
    expect(log).toHaveTextContent('disk almost full')

    view.unmount()
    expect(unsubscribed).toContain('containers:logs')
  })

  it('says when the stream ended and follows again when the container starts', async () => {
    const fake = setup()
    await userEvent.click(screen.getByRole('tab', { name: 'Logs' }))
    act(() => fake.push('containers:logs', batch(['bye'])))
    const onMessage = fake.bridge.subscribe.mock.calls.findLast(
      ([e]) => e === 'containers:logs',
    )![2]
    act(() => onMessage({ type: 'end' }))
    expect(screen.getByTestId('logs-ended')).toBeInTheDocument()
    act(() =>
      fake.push('docker:event', {
        events: [{ type: 'container', action: 'start', id: api.id, attributes: {}, time: 0 }],
        dropped: 0,
      }),
    )
    await waitFor(() =>
      expect(
        fake.bridge.subscribe.mock.calls.filter(([e]) => e === 'containers:logs'),
      ).toHaveLength(2),
    )
    expect(screen.queryByTestId('logs-ended')).not.toBeInTheDocument()
  })
})
