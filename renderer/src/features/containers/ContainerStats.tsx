import { useMemo, useState, type ReactNode } from 'react'
import { Alert, Card, Group, Loader, SimpleGrid, Text } from '@mantine/core'
import type { ContainerStats as Sample, ErrorPayload } from '../../../../shared/contract'
import { useStream } from '../../transport/hooks'
import { formatBytes, formatRate } from '../../ui/format'
import { Sparkline } from '../../ui/Sparkline'
import { STATS_WINDOW, toSeries } from './stats-series'

function StatCard({
  title,
  value,
  sub,
  chart,
}: {
  title: string
  value: string
  sub?: string
  chart: ReactNode
}) {
  const id = `stat-${title.toLowerCase().replace(/\W+/g, '-')}`
  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" align="baseline" wrap="nowrap">
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
          {title}
        </Text>
        <Text ff="monospace" fw={700} data-testid={id}>
          {value}
        </Text>
      </Group>
      {sub && (
        <Text size="xs" c="dimmed" ff="monospace" ta="right">
          {sub}
        </Text>
      )}
      {chart}
    </Card>
  )
}

const percent = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} %`

type Series = ReturnType<typeof toSeries>

function StatCards({ latest, series }: { latest: Sample; series: Series }) {
  const { times } = series
  return (
    <SimpleGrid cols={2} spacing="sm" data-testid="container-stats">
      <StatCard
        title="CPU"
        value={percent(latest.cpuPercent)}
        sub={`of ${latest.cpus} CPU${latest.cpus === 1 ? '' : 's'} · ${latest.pids} pids`}
        chart={
          <Sparkline
            label="CPU history"
            times={times}
            series={[{ label: 'CPU', color: '#4c6ef5', values: series.cpu }]}
            format={percent}
          />
        }
      />
      <StatCard
        title="Memory"
        value={formatBytes(latest.memoryBytes)}
        sub={`${percent(latest.memoryPercent)} of ${formatBytes(latest.memoryLimitBytes)}`}
        chart={
          <Sparkline
            label="Memory history"
            times={times}
            series={[{ label: 'Memory', color: '#12b886', values: series.memory }]}
            format={formatBytes}
            floor={1024 * 1024}
          />
        }
      />
      <StatCard
        title="Network"
        value={`↓ ${formatRate(series.rxRate.at(-1) ?? 0)} ↑ ${formatRate(series.txRate.at(-1) ?? 0)}`}
        sub={`total ↓ ${formatBytes(latest.networkRxBytes)} ↑ ${formatBytes(latest.networkTxBytes)}`}
        chart={
          <Sparkline
            label="Network history"
            times={times}
            series={[
              { label: 'Received', color: '#15aabf', values: series.rxRate },
              { label: 'Sent', color: '#fd7e14', values: series.txRate },
            ]}
            format={formatRate}
            floor={1024}
          />
        }
      />
      <StatCard
        title="Block IO"
        value={`R ${formatRate(series.readRate.at(-1) ?? 0)} W ${formatRate(series.writeRate.at(-1) ?? 0)}`}
        sub={`total R ${formatBytes(latest.blockReadBytes)} W ${formatBytes(latest.blockWriteBytes)}`}
        chart={
          <Sparkline
            label="Block IO history"
            times={times}
            series={[
              { label: 'Read', color: '#7950f2', values: series.readRate },
              { label: 'Write', color: '#e64980', values: series.writeRate },
            ]}
            format={formatRate}
            floor={1024}
          />
        }
      />
    </SimpleGrid>
  )
}

/** One sample a second from main while shown; the last minute is charted. */
export function ContainerStats({ id, running }: { id: string; running: boolean }) {
  const [samples, setSamples] = useState<Sample[]>([])
  const [error, setError] = useState<ErrorPayload | null>(null)

  useStream(
    'containers:stats',
    { id },
    {
      data: (sample) => setSamples((prev) => [...prev.slice(1 - STATS_WINDOW), sample]),
      error: setError,
    },
    running ? id : null,
  )

  const series = useMemo(() => toSeries(samples), [samples])
  const latest = samples.at(-1)

  if (!running)
    return (
      <Text c="dimmed" size="sm" data-testid="stats-not-running">
        The container is not running: there are no live figures. Start it to see CPU, memory,
        network and disk use.
      </Text>
    )
  if (error)
    return (
      <Alert color="red" title="Stats stopped" role="alert">
        {error.message}
      </Alert>
    )
  if (!latest)
    return (
      <Group gap="xs" data-testid="stats-waiting">
        <Loader size="xs" />
        <Text size="sm" c="dimmed">
          Waiting for the first sample…
        </Text>
      </Group>
    )
  return <StatCards latest={latest} series={series} />
}
