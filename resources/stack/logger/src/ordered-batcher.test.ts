import { describe, expect, it } from 'vitest'
import { OrderedBatcher } from './ordered-batcher'

describe('OrderedBatcher', () => {
  it('flushes full batches at once and the rest after the interval, in order', async () => {
    const flushed: number[][] = []
    const batcher = new OrderedBatcher<number>(
      (items) => {
        flushed.push(items)
        return Promise.resolve()
      },
      3,
      20,
      () => {},
    )
    for (const item of [1, 2, 3, 4]) batcher.add(item)
    await new Promise((resolve) => setTimeout(resolve, 5))
    expect(flushed).toEqual([[1, 2, 3]])
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(flushed).toEqual([[1, 2, 3], [4]])
  })

  it('runs one flush at a time and reports failures with their items', async () => {
    let running = 0
    let overlapped = false
    const failed: number[][] = []
    const batcher = new OrderedBatcher<number>(
      async (items) => {
        running += 1
        overlapped ||= running > 1
        await new Promise((resolve) => setTimeout(resolve, 5))
        running -= 1
        if (items.includes(2)) throw new Error('disk full')
      },
      1,
      0,
      (_error, items) => failed.push(items),
    )
    for (const item of [1, 2, 3]) batcher.add(item)
    await batcher.drain()
    await new Promise((resolve) => setTimeout(resolve, 30))
    await batcher.drain()
    expect(overlapped).toBe(false)
    expect(failed).toEqual([[2]])
  })
})
