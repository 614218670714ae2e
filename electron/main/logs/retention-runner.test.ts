import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { RetentionRun } from './retention'
import { RetentionRunner, type RetentionRunnerOptions } from './retention-runner'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

function runner(
  pass: () => Promise<RetentionRun>,
  options: Partial<RetentionRunnerOptions> = {},
): RetentionRunner {
  return new RetentionRunner(pass, {
    delayMs: 1_000,
    intervalMs: 10_000,
    canSchedule: () => true,
    ...options,
  })
}

describe('the retention runner', () => {
  it('runs after its first delay, then every interval from the end of the last pass', async () => {
    const pass = vi.fn(() => Promise.resolve({ deleted: 3, emailsDeleted: 1 }))
    const retention = runner(pass)
    await vi.advanceTimersByTimeAsync(999)
    expect(pass).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(pass).toHaveBeenCalledTimes(1)
    expect(retention.compaction).toMatchObject({ lastDeleted: 3, running: false })
    expect(retention.compaction.lastRunAt).not.toBeNull()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(pass).toHaveBeenCalledTimes(2)
    retention.stop()
    await vi.advanceTimersByTimeAsync(60_000)
    expect(pass).toHaveBeenCalledTimes(2)
  })

  it('deletes nothing when asked while a pass runs, and shows it running meanwhile', async () => {
    let finish: (run: RetentionRun) => void = () => undefined
    const pass = vi.fn(
      () =>
        new Promise<RetentionRun>((resolve) => {
          finish = resolve
        }),
    )
    const retention = runner(pass, { delayMs: 0 })
    const first = retention.run()
    expect(retention.compaction.running).toBe(true)
    await expect(retention.run()).resolves.toEqual({ deleted: 0, emailsDeleted: 0 })
    finish({ deleted: 5, emailsDeleted: 0 })
    await expect(first).resolves.toEqual({ deleted: 5, emailsDeleted: 0 })
    expect(pass).toHaveBeenCalledTimes(1)
    expect(retention.compaction.running).toBe(false)
    retention.stop()
  })

  it('logs a failed timed pass, and schedules none while the store is closed', async () => {
    const log = vi.fn()
    const pass = vi.fn(() => Promise.reject(new Error('disk gone')))
    runner(pass, { canSchedule: () => false, log })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(log).toHaveBeenCalledWith('log store: retention failed', expect.any(Error))
    await vi.advanceTimersByTimeAsync(60_000)
    expect(pass).toHaveBeenCalledTimes(1)
  })

  it('runs by itself not at all when its delay is 0', async () => {
    const pass = vi.fn(() => Promise.resolve({ deleted: 0, emailsDeleted: 0 }))
    runner(pass, { delayMs: 0 })
    await vi.advanceTimersByTimeAsync(60_000)
    expect(pass).not.toHaveBeenCalled()
  })
})
