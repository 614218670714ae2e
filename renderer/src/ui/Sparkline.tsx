import { useEffect, useRef } from 'react'
import { Box } from '@mantine/core'
import { useElementSize } from '@mantine/hooks'
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'

export interface ChartSeries {
  label: string
  /** A CSS colour the canvas understands (hex, rgb). */
  color: string
  values: number[]
}

const AXIS = '#868e96'
const GRID = 'rgba(134, 142, 150, 0.18)'

/** The y axis from 0 to a little above the highest value, never below `floor`. */
export const yRange = (max: number | null, floor: number): [number, number] => [
  0,
  Math.max(floor, (max ?? 0) * 1.1),
]

/** Tick labels, each said once: an idle rate chart reads "0 B/s, 512 B/s, 1.0 KiB/s". */
export function axisLabels(splits: number[], format: (v: number) => string): string[] {
  const labels = splits.map(format)
  return labels.map((label, index) => (labels.indexOf(label) === index ? label : ''))
}

function options(
  width: number,
  height: number,
  series: ChartSeries[],
  format: (v: number) => string,
  floor: number,
): uPlot.Options {
  return {
    width,
    height,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => yRange(max, floor) } },
    axes: [
      { show: false },
      {
        size: 64,
        stroke: AXIS,
        font: '10px ui-monospace, monospace',
        grid: { stroke: GRID, width: 1 },
        ticks: { show: false },
        values: (_u, splits) => axisLabels(splits, format),
        splits: (_u, _axis, min, max) => [min, (min + max) / 2, max],
      },
    ],
    series: [
      {},
      ...series.map((s) => ({
        label: s.label,
        stroke: s.color,
        width: 1.5,
        fill: `${s.color}22`,
        points: { show: false },
      })),
    ],
  }
}

/** A small live line chart (uPlot, canvas): times in ms, one or more series. */
export function Sparkline({
  times,
  series,
  height = 90,
  format,
  label,
  floor = 1,
}: {
  times: number[]
  series: ChartSeries[]
  height?: number
  format: (value: number) => string
  label: string
  /** The smallest top of the y axis (1 KiB/s for a rate): an idle chart keeps distinct labels. */
  floor?: number
}) {
  const { ref: sizeRef, width } = useElementSize()
  const target = useRef<HTMLDivElement>(null)
  const chart = useRef<uPlot | null>(null)
  const shape = series.map((s) => s.label).join('|')
  const formatRef = useRef(format)
  useEffect(() => {
    formatRef.current = format
  })

  const data = (): uPlot.AlignedData => [times.map((t) => t / 1000), ...series.map((s) => s.values)]

  useEffect(() => {
    if (!target.current || width <= 0) return
    const plot = new uPlot(
      options(Math.floor(width), height, series, (v) => formatRef.current(v), floor),
      data(),
      target.current,
    )
    chart.current = plot
    return () => {
      plot.destroy()
      chart.current = null
    }
    // The chart is rebuilt only when its size or its set of series changes; data flows in below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [width > 0, height, shape, floor])

  useEffect(() => {
    if (chart.current && width > 0) chart.current.setSize({ width: Math.floor(width), height })
  }, [width, height])

  useEffect(() => {
    chart.current?.setData(data())
  })

  return (
    <Box ref={sizeRef} w="100%" role="img" aria-label={label}>
      <div ref={target} />
    </Box>
  )
}
