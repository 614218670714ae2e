import { describe, expect, it } from 'vitest'
import type { BrokerOverview, QueueInfo } from '../../../shared/contract'
import { RateHistory } from './rate-history'

const queue = (name: string, publishRate: number): QueueInfo => ({
  name,
  role: 'work',
  durable: true,
  state: 'running',
  ready: 0,
  unacked: 0,
  total: 0,
  consumers: 1,
  publishRate,
  deliverRate: publishRate / 2,
  ackRate: 0,
})

const overview = (fetchedAt: number, queues: QueueInfo[]): BrokerOverview => ({
  state: 'ok',
  fetchedAt,
  managementUrl: 'http://127.0.0.1:15672',
  alarms: [],
  queues,
  totals: { ready: 0, unacked: 0, publishRate: 0, deliverRate: 0 },
})

describe('RateHistory', () => {
  it('keeps each queue’s rates for the window only, oldest first', () => {
    const history = new RateHistory(60_000)
    for (let t = 0; t <= 120_000; t += 2_000)
      history.record(overview(t, [queue('emails', t / 1000)]))
    const [emails] = history.snapshot().queues
    expect(emails!.t[0]).toBe(60_000)
    expect(emails!.t.at(-1)).toBe(120_000)
    expect(emails!.t).toHaveLength(31)
    expect(emails!.publish.at(-1)).toBe(120)
    expect(emails!.deliver.at(-1)).toBe(60)
  })

  it('skips failed polls and repeated samples, and forgets a queue that is gone', () => {
    const history = new RateHistory(10_000)
    history.record(overview(1_000, [queue('a', 1), queue('b', 2)]))
    history.record(overview(1_000, [queue('a', 9)]))
    history.record({ state: 'unavailable', fetchedAt: 2_000, error: 'refused' })
    expect(history.snapshot().queues.map((q) => [q.name, q.publish])).toEqual([
      ['a', [1]],
      ['b', [2]],
    ])
    history.record(overview(20_000, [queue('a', 3)]))
    expect(history.snapshot().queues.map((q) => [q.name, q.publish])).toEqual([['a', [3]]])
  })
})
