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

function options(
  width: number,
  height: number,
  series: ChartSeries[],
  format: (v: number) => string,
): uPlot.Options {
  return {
    width,
    height,
    legend: { show: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
    axes: [
      { show: false },
      {
        size: 64,
        stroke: AXIS,
        font: '10px ui-monospace, monospace',
        grid: { stroke: GRID, width: 1 },
        ticks: { show: false },
        values: (_u, splits) => splits.map(format),
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
}: {
  times: number[]
  series: ChartSeries[]
  height?: number
  format: (value: number) => string
  label: string
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
      options(Math.floor(width), height, series, (v) => formatRef.current(v)),
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
  }, [width > 0, height, shape])

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
