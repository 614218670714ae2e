import { Alert, Badge, Card, Group, Loader, Table, Text, Title } from '@mantine/core'
import type { BrokerOverview, QueueInfo } from '../../../../shared/contract'

const roleLabel: Record<string, string> = {
  work: 'work',
  retry: 'retry delay',
  'dead-letter': 'dead letters',
  logger: 'logger',
  app: 'this app',
  other: '',
}

function QueueRow({ queue }: { queue: QueueInfo }) {
  return (
    <Table.Tr data-testid={`queue-${queue.name}`}>
      <Table.Td>
        <Group gap={6} wrap="nowrap">
          <Text size="sm" ff="monospace">
            {queue.name}
          </Text>
          {roleLabel[queue.role] !== '' && (
            <Badge size="xs" variant="light" color={queue.role === 'dead-letter' ? 'red' : 'gray'}>
              {roleLabel[queue.role]}
            </Badge>
          )}
        </Group>
      </Table.Td>
      <Table.Td ta="right" ff="monospace" data-testid="queue-ready">
        {queue.ready}
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {queue.unacked}
      </Table.Td>
      <Table.Td ta="right" ff="monospace" data-testid="queue-consumers">
        {queue.consumers}
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {queue.publishRate}
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {queue.deliverRate}
      </Table.Td>
      <Table.Td ta="right" ff="monospace">
        {queue.ackRate}
      </Table.Td>
    </Table.Tr>
  )
}

/** One row per queue: its role, counts, consumers and rates. */
function QueueList({ queues }: { queues: QueueInfo[] }) {
  return (
    <Table stickyHeader striped highlightOnHover fz="sm" data-testid="queues-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Queue</Table.Th>
          <Table.Th ta="right">Ready</Table.Th>
          <Table.Th ta="right">Unacked</Table.Th>
          <Table.Th ta="right">Consumers</Table.Th>
          <Table.Th ta="right">In (publish)/s</Table.Th>
          <Table.Th ta="right">Out (deliver)/s</Table.Th>
          <Table.Th ta="right">Ack/s</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {queues.map((queue) => (
          <QueueRow key={queue.name} queue={queue} />
        ))}
      </Table.Tbody>
    </Table>
  )
}

/** The stack's queues from the management API: counts, consumers and rates, live. */
export function QueuesTable({ overview }: { overview: BrokerOverview | undefined }) {
  return (
    <Card withBorder padding={0}>
      <Group justify="space-between" p="sm">
        <Title order={5}>Queues</Title>
        {overview?.state === 'ok' && (
          <Text size="xs" c="dimmed" ff="monospace">
            RabbitMQ {overview.rabbitmqVersion ?? ''} · {overview.managementUrl}
          </Text>
        )}
      </Group>
      {overview?.state === 'ok' && overview.alarms.length > 0 && (
        <Alert
          color="orange"
          mx="sm"
          mb="sm"
          title="The broker blocks publishers"
          data-testid="broker-alarms"
        >
          {overview.alarms.join('; ')}: sends wait (and time out) until it clears. Free memory or
          disk space on the broker&apos;s host.
        </Alert>
      )}
      {overview?.state === 'ok' && overview.queues.length > 0 && (
        <Text size="xs" c="dimmed" px="sm" pb="xs" data-testid="queues-totals">
          Summed over all {overview.queues.length} queues: {overview.totals.ready} ready ·{' '}
          {overview.totals.unacked} unacked · in {overview.totals.publishRate}/s · out{' '}
          {overview.totals.deliverRate}/s. A message routed to several queues (the work queue and
          the logger&apos;s copy) counts once in each; each queue&apos;s own figures are below.
        </Text>
      )}
      {overview === undefined ? (
        <Group p="sm" gap="xs">
          <Loader size="xs" />
          <Text size="sm">Asking the management API…</Text>
        </Group>
      ) : overview.state === 'unavailable' ? (
        <Alert color="red" m="sm" title="Management API unavailable" data-testid="queues-error">
          {overview.error}
        </Alert>
      ) : overview.queues.length === 0 ? (
        <Text p="sm" size="sm" c="dimmed">
          The broker has no queues yet: the services declare them when they first connect.
        </Text>
      ) : (
        <QueueList queues={overview.queues} />
      )}
    </Card>
  )
}
