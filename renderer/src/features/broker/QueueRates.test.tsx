import { describe, expect, it, vi } from 'vitest'
import { screen, within } from '@testing-library/react'
import type { BrokerOverview, BrokerRateHistory, QueueInfo } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { QueueRates } from './QueueRates'
import { QueuesTable } from './QueuesTable'

// uPlot draws on a canvas, which jsdom lacks: the chart's label and points are what is asserted.
vi.mock('../../ui/Sparkline', () => ({
  Sparkline: ({ label, times }: { label: string; times: number[] }) => (
    <div role="img" aria-label={label} data-points={times.length} />
  ),
}))

const queue = (name: string, role: QueueInfo['role'], publishRate: number): QueueInfo => ({
  name,
  role,
  durable: true,
  state: 'running',
  ready: 1,
  unacked: 0,
  total: 1,
  consumers: 1,
  publishRate,
  deliverRate: publishRate,
  ackRate: publishRate,
})

const overview: BrokerOverview = {
  state: 'ok',
  fetchedAt: 10_000,
  managementUrl: 'http://127.0.0.1:15672',
  rabbitmqVersion: '4.2.0',
  alarms: [],
  queues: [queue('emails', 'work', 6), queue('logger.events', 'logger', 36)],
  totals: { ready: 2, unacked: 0, publishRate: 42, deliverRate: 42 },
}

const history: BrokerRateHistory = {
  windowMs: 900_000,
  queues: [
    { name: 'emails', t: [6_000, 8_000, 10_000], publish: [2, 4, 6], deliver: [2, 4, 6] },
    { name: 'logger.events', t: [10_000], publish: [36], deliver: [36] },
  ],
}

describe('Broker rates', () => {
  it('says the header figures are summed over every queue', () => {
    renderWithClient(<QueuesTable overview={overview} />, fakeBridge({}).bridge)
    expect(screen.getByTestId('queues-totals')).toHaveTextContent(
      'Summed over all 2 queues: 2 ready · 0 unacked · in 42/s · out 42/s',
    )
    const emails = screen.getByTestId('queue-emails')
    expect(
      within(emails)
        .getAllByRole('cell')
        .map((cell) => cell.textContent),
    ).toContain('6')
  })

  it('draws each queue’s last 15 minutes from the history main keeps', async () => {
    const { bridge } = fakeBridge({ 'broker:rate-history': () => history })
    renderWithClient(<QueueRates overview={overview} />, bridge)
    const emails = await screen.findByTestId('queue-rate-emails')
    expect(emails).toHaveTextContent('in 6/s · out 6/s')
    const chart = within(emails).getByRole('img', { name: /^emails: messages in and out/ })
    expect(chart).toHaveAttribute('data-points', '3')
    expect(screen.getByTestId('queue-rate-logger.events')).toHaveTextContent('in 36/s')
    expect(bridge.call).toHaveBeenCalledWith('broker:rate-history', {})
  })

  it('draws nothing before the first poll', () => {
    const { bridge } = fakeBridge({ 'broker:rate-history': () => history })
    renderWithClient(<QueueRates overview={undefined} />, bridge)
    expect(screen.queryByTestId('queue-rates')).toBeNull()
    expect(bridge.call).not.toHaveBeenCalled()
  })
})
