import { describe, expect, it } from 'vitest'
import type { TailLine } from '../../../../shared/contract'
import { buildMatcher, splitByRanges } from './highlight'
import {
  appendBatch,
  appendBatches,
  clearTail,
  emptyTail,
  pause,
  prependOlder,
  resume,
} from './tail-buffer'

const limits = { window: 5, older: 3, pending: 4 }
const line = (n: number): TailLine => ({
  key: `k${n}`,
  ts: n,
  service: 'api',
  container: 'api-1',
  stream: 'stdout',
  level: 'info',
  text: `line ${n}`,
})
const lines = (from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => line(from + i))
const texts = (items: TailLine[]) => items.map((l) => l.ts)

describe('the tail buffer', () => {
  it('keeps a bounded window while following, counting what went out of view', () => {
    const buffer = appendBatch(emptyTail, { lines: lines(0, 8), dropped: 2 }, limits)
    expect(texts(buffer.lines)).toEqual([3, 4, 5, 6, 7])
    expect(buffer).toMatchObject({ trimmed: 3, skipped: 2, received: 8 })
  })

  it('appends batches that arrived together as if one by one', () => {
    const batches = [
      { lines: lines(0, 3), dropped: 1 },
      { lines: [], dropped: 0, historyDone: true, notices: ['a stopped'] },
      { lines: lines(3, 9), dropped: 2 },
    ]
    for (const start of [emptyTail, pause(emptyTail)]) {
      const oneByOne = batches.reduce((acc, batch) => appendBatch(acc, batch, limits), start)
      expect(appendBatches(start, batches, limits)).toEqual(oneByOne)
    }
    expect(appendBatches(emptyTail, [], limits)).toBe(emptyTail)
  })

  it('holds lines while paused and shows them all on resume, in order', () => {
    let buffer = appendBatch(emptyTail, { lines: lines(0, 3), dropped: 0 }, limits)
    buffer = pause(buffer)
    buffer = appendBatch(buffer, { lines: lines(3, 5), dropped: 0 }, limits)
    expect(texts(buffer.lines)).toEqual([0, 1, 2])
    expect(buffer.pending).toHaveLength(2)
    buffer = resume(buffer, limits)
    expect(texts(buffer.lines)).toEqual([0, 1, 2, 3, 4])
    expect(buffer.following).toBe(true)
  })

  it('bounds what waits while paused, counting the overflow as skipped', () => {
    let buffer = pause(emptyTail)
    buffer = appendBatch(buffer, { lines: lines(0, 6), dropped: 0 }, limits)
    expect(texts(buffer.pending)).toEqual([2, 3, 4, 5])
    expect(buffer.skipped).toBe(2)
  })

  it('puts older lines from the store in front, without repeats, within its bound', () => {
    const buffer = appendBatch(emptyTail, { lines: lines(10, 14), dropped: 0 }, limits)
    const { buffer: next, added } = prependOlder(buffer, [...lines(5, 10), line(10)], limits)
    expect(added).toBe(4)
    expect(texts(next.lines)).toEqual([6, 7, 8, 9, 10, 11, 12, 13])
  })

  it('clears the window but keeps following', () => {
    const buffer = clearTail(
      appendBatch(emptyTail, { lines: lines(0, 3), dropped: 1, historyDone: true }, limits),
    )
    expect(buffer).toMatchObject({ lines: [], skipped: 0, following: true, historyDone: true })
  })
})

describe('search highlights', () => {
  it('finds text case-insensitively, and regular expressions', () => {
    const text = buildMatcher('error', false).matcher!
    expect(text.ranges('Error: error')).toEqual([
      [0, 5],
      [7, 12],
    ])
    expect(buildMatcher('a.c', false).matcher!.test('abc')).toBe(false)
    expect(buildMatcher('a.c', true).matcher!.test('abc')).toBe(true)
    expect(splitByRanges('say hi', [[4, 6]])).toEqual([
      { text: 'say ', hit: false },
      { text: 'hi', hit: true },
    ])
  })

  it('reports a broken regular expression instead of throwing', () => {
    expect(buildMatcher('(unclosed', true)).toMatchObject({
      matcher: null,
      error: expect.stringMatching(/Invalid regular expression/),
    })
  })
})
