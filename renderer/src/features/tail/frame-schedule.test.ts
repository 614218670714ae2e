import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { frameSchedule } from './frame-schedule'

beforeEach(() => {
  vi.useFakeTimers({
    toFake: [
      'setTimeout',
      'clearTimeout',
      'requestAnimationFrame',
      'cancelAnimationFrame',
      'performance',
    ],
  })
})
afterEach(() => vi.useRealTimers())

describe('frameSchedule', () => {
  it('runs many requests once, on the next frame', () => {
    const flush = vi.fn()
    const schedule = frameSchedule(flush, 0)
    for (let i = 0; i < 5; i++) schedule.request()
    expect(flush).not.toHaveBeenCalled()
    vi.advanceTimersByTime(17)
    expect(flush).toHaveBeenCalledTimes(1)
  })

  it('waits at least the gap after a run, then runs on a frame', () => {
    const flush = vi.fn()
    const schedule = frameSchedule(flush, 100)
    schedule.request()
    vi.advanceTimersByTime(17)
    expect(flush).toHaveBeenCalledTimes(1)
    schedule.request()
    vi.advanceTimersByTime(50)
    expect(flush).toHaveBeenCalledTimes(1)
    vi.advanceTimersByTime(70)
    expect(flush).toHaveBeenCalledTimes(2)
  })

  it('runs from its timer when no frame comes (a hidden tab)', () => {
    vi.spyOn(globalThis, 'requestAnimationFrame').mockImplementation(() => 0)
    const flush = vi.fn()
    frameSchedule(flush, 0, 250).request()
    vi.advanceTimersByTime(249)
    expect(flush).not.toHaveBeenCalled()
    vi.advanceTimersByTime(1)
    expect(flush).toHaveBeenCalledTimes(1)
  })

  it('runs nothing once cancelled', () => {
    const flush = vi.fn()
    const schedule = frameSchedule(flush, 0)
    schedule.request()
    schedule.cancel()
    vi.advanceTimersByTime(1_000)
    expect(flush).not.toHaveBeenCalled()
  })
})
