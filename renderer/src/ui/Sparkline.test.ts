import { describe, expect, it } from 'vitest'
import { formatRate } from './format'
import { axisLabels, yRange } from './Sparkline'

describe('sparkline axis', () => {
  it('gives an idle rate chart distinct labels instead of "1 B/s, 1 B/s"', () => {
    const [min, max] = yRange(0, 1024)
    expect(axisLabels([min, (min + max) / 2, max], formatRate)).toEqual([
      '0 B/s',
      '512 B/s',
      '1.0 KiB/s',
    ])
  })

  it('leaves room above the highest value and says a repeated label once', () => {
    expect(yRange(10_000, 1024)).toEqual([0, 11_000])
    expect(axisLabels([0, 0.5, 1], formatRate)).toEqual(['0 B/s', '1 B/s', ''])
  })
})
