import type { ContainerStats } from '../../../../shared/contract'

export const STATS_WINDOW = 60

export interface StatsSeries {
  times: number[]
  cpu: number[]
  memory: number[]
  rxRate: number[]
  txRate: number[]
  readRate: number[]
  writeRate: number[]
}

/** Per-second rates from cumulative counters; the first sample has no predecessor and counts 0. */
export function toSeries(samples: ContainerStats[]): StatsSeries {
  const series: StatsSeries = {
    times: [],
    cpu: [],
    memory: [],
    rxRate: [],
    txRate: [],
    readRate: [],
    writeRate: [],
  }
  samples.forEach((sample, i) => {
    const previous = samples[i - 1]
    const seconds = previous ? Math.max(0.001, (sample.at - previous.at) / 1000) : 1
    const rate = (now: number, before: number | undefined) =>
      before === undefined ? 0 : Math.max(0, (now - before) / seconds)
    series.times.push(sample.at)
    series.cpu.push(sample.cpuPercent)
    series.memory.push(sample.memoryBytes)
    series.rxRate.push(rate(sample.networkRxBytes, previous?.networkRxBytes))
    series.txRate.push(rate(sample.networkTxBytes, previous?.networkTxBytes))
    series.readRate.push(rate(sample.blockReadBytes, previous?.blockReadBytes))
    series.writeRate.push(rate(sample.blockWriteBytes, previous?.blockWriteBytes))
  })
  return series
}
