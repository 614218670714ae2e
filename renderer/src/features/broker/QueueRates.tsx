import { Box, Card, Group, SimpleGrid, Text, Title } from '@mantine/core'
import type { BrokerOverview } from '../../../../shared/contract'
import { useCall } from '../../transport/hooks'
import { Sparkline } from '../../ui/Sparkline'

const IN = '#4c6ef5'
const OUT = '#2f9e44'

const perSecond = (value: number): string => `${Number(value.toFixed(1))}/s`

function Swatch({ color, label }: { color: string; label: string }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Box w={14} h={3} bg={color} aria-hidden />
      <Text size="xs">{label}</Text>
    </Group>
  )
}

/**
 * A small chart per queue of its publish (in) and deliver (out) rates over the last 15 minutes,
 * from the history main keeps while the app polls the broker.
 */
export function QueueRates({ overview }: { overview: BrokerOverview | undefined }) {
  const fetchedAt = overview?.state === 'ok' ? overview.fetchedAt : undefined
  const { data: history } = useCall(
    'broker:rate-history',
    {},
    { key: String(fetchedAt), enabled: fetchedAt !== undefined, keepPrevious: true },
  )
  const queues = history?.queues.filter((queue) => queue.t.length > 0) ?? []
  if (queues.length === 0) return null
  return (
    <Card withBorder padding="sm" data-testid="queue-rates">
      <Group justify="space-between" mb="xs">
        <Title order={5}>Rates, last 15 minutes</Title>
        <Group gap="md">
          <Swatch color={IN} label="in (published)" />
          <Swatch color={OUT} label="out (delivered)" />
        </Group>
      </Group>
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 3 }} spacing="sm">
        {queues.map((queue) => (
          <div key={queue.name} data-testid={`queue-rate-${queue.name}`}>
            <Group justify="space-between" gap={4} wrap="nowrap">
              <Text size="xs" ff="monospace" truncate="end" title={queue.name}>
                {queue.name}
              </Text>
              <Text size="xs" ff="monospace" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                in {perSecond(queue.publish.at(-1) ?? 0)} · out{' '}
                {perSecond(queue.deliver.at(-1) ?? 0)}
              </Text>
            </Group>
            <Sparkline
              label={`${queue.name}: messages in and out per second, last 15 minutes`}
              times={queue.t}
              series={[
                { label: 'in', color: IN, values: queue.publish },
                { label: 'out', color: OUT, values: queue.deliver },
              ]}
              format={perSecond}
              height={64}
            />
          </div>
        ))}
      </SimpleGrid>
    </Card>
  )
}
