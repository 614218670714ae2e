import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Batcher } from './batcher'

describe('Batcher', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  function make(maxPending = 3) {
    const batches: Array<{ items: number[]; dropped: number }> = []
    const batcher = new Batcher<number>({
      intervalMs: 50,
      maxPending,
      flush: (items, dropped) => batches.push({ items, dropped }),
    })
    return { batches, batcher }
  }

  it('sends what arrived within an interval as one batch, in order', () => {
    const { batches, batcher } = make(10)
    batcher.push(1)
    batcher.push(2)
    expect(batches).toEqual([])
    vi.advanceTimersByTime(50)
    batcher.push(3)
    vi.advanceTimersByTime(50)
    expect(batches).toEqual([
      { items: [1, 2], dropped: 0 },
      { items: [3], dropped: 0 },
    ])
  })

  it('keeps at most maxPending, dropping the oldest and counting them', () => {
    const { batches, batcher } = make(3)
    for (let i = 1; i <= 1000; i++) batcher.push(i)
    vi.advanceTimersByTime(50)
    expect(batches).toEqual([{ items: [998, 999, 1000], dropped: 997 }])
  })

  it('never sends an empty batch, and close flushes the rest', () => {
    const { batches, batcher } = make(3)
    vi.advanceTimersByTime(500)
    expect(batches).toEqual([])
    batcher.push(7)
    batcher.close()
    batcher.push(8)
    vi.advanceTimersByTime(500)
    expect(batches).toEqual([{ items: [7], dropped: 0 }])
  })

  it('discard drops pending items without sending them', () => {
    const { batches, batcher } = make(3)
    batcher.push(1)
    batcher.discard()
    vi.advanceTimersByTime(500)
    expect(batches).toEqual([])
  })
})
