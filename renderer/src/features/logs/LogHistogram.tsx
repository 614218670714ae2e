import { useEffect, useRef } from 'react'
import { Box, Group, Text } from '@mantine/core'
import { useElementSize } from '@mantine/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { LogHistogram as Histogram } from '../../../../shared/contract'

const AXIS = '#868e96'
const GRID = 'rgba(134, 142, 150, 0.18)'
const HEIGHT = 128
const COUNT = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })

/** A y-axis label short enough for the axis at any count: 950, 12K, 1.2M. */
export function axisCount(count: number): string {
  return COUNT.format(count)
}

function chartData(histogram: Histogram): uPlot.AlignedData {
  const { buckets } = histogram
  return [
    buckets.map((b) => b.t / 1000),
    buckets.map((b) => b.total),
    buckets.map((b) => b.warn + b.error),
    buckets.map((b) => b.error),
  ]
}

/** The x range in seconds: every bucket, the last one to its right edge (bars start at t). */
export function xRange(histogram: Histogram | undefined): [number, number] | null {
  if (!histogram || histogram.buckets.length === 0) return null
  const end = histogram.from + histogram.buckets.length * histogram.bucketMs
  return [histogram.from / 1000, end / 1000]
}

function options(
  width: number,
  onSelect: (from: number, to: number) => void,
  range: () => [number, number] | null,
): uPlot.Options {
  const bars = uPlot.paths.bars?.({ size: [0.9, 40], align: 1 })
  const series = (label: string, color: string): uPlot.Series => ({
    label,
    stroke: color,
    fill: `${color}cc`,
    width: 0,
    points: { show: false },
    ...(bars ? { paths: bars } : {}),
  })
  return {
    width,
    height: HEIGHT,
    legend: { show: false },
    cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
    scales: {
      // Without its own range the x scale ends where the last bar starts, cutting that bar off.
      x: { time: true, range: (_u, min, max) => range() ?? [min, max] },
      y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
    },
    axes: [
      // Two lines: the time, and the date under the first tick of each day.
      { stroke: AXIS, grid: { show: false }, font: '10px ui-monospace, monospace', size: 44 },
      {
        stroke: AXIS,
        grid: { stroke: GRID, width: 1 },
        font: '10px ui-monospace, monospace',
        size: 48,
        ticks: { show: false },
        values: (_u, splits) => splits.map(axisCount),
      },
    ],
    series: [
      {},
      series('all', '#4dabf7'),
      series('warnings', '#fcc419'),
      series('errors', '#fa5252'),
    ],
    hooks: {
      setSelect: [
        (u) => {
          if (u.select.width < 2) return
          const from = u.posToVal(u.select.left, 'x') * 1000
          const to = u.posToVal(u.select.left + u.select.width, 'x') * 1000
          u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false)
          onSelect(Math.floor(from), Math.ceil(to))
        },
      ],
    },
  }
}

/** Entries over time (uPlot bars: all, warnings, errors); drag across it to pick a span. */
export function LogHistogram({
  histogram,
  onSelect,
}: {
  histogram: Histogram | undefined
  onSelect: (from: number, to: number) => void
}) {
  const { ref: sizeRef, width } = useElementSize()
  const target = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const selectRef = useRef(onSelect)
  const rangeRef = useRef(xRange(histogram))
  useEffect(() => {
    selectRef.current = onSelect
    rangeRef.current = xRange(histogram)
  })

  useEffect(() => {
    if (!target.current || width <= 0) return
    const plot = new uPlot(
      options(
        Math.floor(width),
        (from, to) => selectRef.current(from, to),
        () => rangeRef.current,
      ),
      [[], [], [], []],
      target.current,
    )
    chart.current = plot
    return () => {
      plot.destroy()
      chart.current = null
    }
    // Built once it has a width; data and size flow in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width > 0])

  useEffect(() => {
    if (chart.current && width > 0)
      chart.current.setSize({ width: Math.floor(width), height: HEIGHT })
  }, [width])

  useEffect(() => {
    rangeRef.current = xRange(histogram)
    if (chart.current && histogram) chart.current.setData(chartData(histogram))
  }, [histogram])

  const errors = sumOf(histogram, 'error')
  const warnings = sumOf(histogram, 'warn')
  const step = histogram ? describeStep(histogram.bucketMs) : ''
  return (
    <Box>
      <Group justify="space-between" gap="xs">
        <Text size="xs" c="dimmed" data-testid="histogram-summary">
          {histogram
            ? `Of these, ${plural(errors, 'error')} and ${plural(warnings, 'warning')} · one bar per ${step}`
            : 'Counting…'}
        </Text>
        <Text size="xs" c="dimmed">
          Drag across the chart to zoom into a span
        </Text>
      </Group>
      <Box
        ref={sizeRef}
        w="100%"
        role="img"
        data-testid="logs-histogram"
        aria-label={`Entries over time, one bar per ${step}`}
      >
        <div ref={target} />
      </Box>
    </Box>
  )
}

const plural = (n: number, word: string): string =>
  `${n.toLocaleString()} ${word}${n === 1 ? '' : 's'}`

/** The entries the bars add up to: the panel's one count of what the search matches. */
export function sumOf(
  histogram: Histogram | undefined,
  key: 'total' | 'warn' | 'error' = 'total',
): number {
  return histogram?.buckets.reduce((sum, bucket) => sum + bucket[key], 0) ?? 0
}

export function describeStep(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${ms / 1000} s`
  if (ms < 3_600_000) return `${ms / 60_000} min`
  if (ms < 86_400_000) return `${ms / 3_600_000} h`
  return `${ms / 86_400_000} d`
}
