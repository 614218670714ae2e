import { describe, expect, it } from 'vitest'
import { axisCount } from './LogHistogram'

describe('axisCount', () => {
  it.each([
    [0, '0'],
    [950, '950'],
    [12_000, '12K'],
    [1_250_000, '1.3M'],
    [5_000_000, '5M'],
  ])('labels %d as %s, short enough for the y axis', (count, label) => {
    expect(axisCount(count)).toBe(label)
  })
})
