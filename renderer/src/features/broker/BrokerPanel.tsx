import { Stack, Title } from '@mantine/core'
import { useSubscription } from '../../transport/hooks'
import { useBrokerConnection } from '../../ui/BrokerStatusBadge'
import { ConnectionCard } from './ConnectionCard'
import { DeadLetters } from './DeadLetters'
import { QueueRates } from './QueueRates'
import { QueuesTable } from './QueuesTable'

export function BrokerPanel() {
  const status = useBrokerConnection()
  const { data: overview } = useSubscription('broker:overview-live', { intervalMs: 2000 })
  const deadLetterCount =
    overview?.state === 'ok'
      ? overview.queues.find((queue) => queue.role === 'dead-letter')?.total
      : undefined
  return (
    <Stack gap="md">
      <Title order={2}>Broker</Title>
      <ConnectionCard status={status} />
      <QueuesTable overview={overview} />
      <QueueRates overview={overview} />
      <DeadLetters queuedHint={deadLetterCount} />
    </Stack>
  )
}
