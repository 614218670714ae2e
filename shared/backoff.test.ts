import { describe, expect, it, vi } from 'vitest'
import { backoffDelay, sleep } from './backoff'

describe('backoffDelay', () => {
  const options = { initialMs: 100, maxMs: 1000, jitter: 0.5 }

  it('doubles per failure up to the cap', () => {
    const noJitter = () => 0
    expect([1, 2, 3, 4, 5, 10].map((n) => backoffDelay(n, options, noJitter))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ])
  })

  it('spreads delays below the exponential value by the jitter fraction', () => {
    expect(backoffDelay(3, options, () => 1)).toBe(200)
    expect(backoffDelay(3, options, () => 0.5)).toBe(300)
  })
})

describe('sleep', () => {
  it('ends early when aborted', async () => {
    vi.useFakeTimers()
    try {
      const controller = new AbortController()
      const sleeping = sleep(5000, controller.signal)
      controller.abort()
      await sleeping
      expect(vi.getTimerCount()).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
