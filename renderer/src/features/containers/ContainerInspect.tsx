import type { ReactNode } from 'react'
import { Badge, Code, Group, Stack, Table, Text, Title, Tooltip } from '@mantine/core'
import { IconLock } from '@tabler/icons-react'
import type { ContainerDetail } from '../../../../shared/contract'
import { formatPort, formatTime, shortId } from '../../ui/format'
import { KeyValueTable } from '../../ui/KeyValueTable'
import { ListStates } from '../../ui/ListStates'
import { useLiveList } from '../../transport/live-list'
import { HealthBadge } from './container-cells'

function Section({
  title,
  count,
  children,
}: {
  title: string
  count?: number
  children: ReactNode
}) {
  return (
    <Stack gap={4}>
      <Group gap={6}>
        <Title order={5}>{title}</Title>
        {count !== undefined && (
          <Badge size="xs" variant="light" ff="monospace">
            {count}
          </Badge>
        )}
      </Group>
      {children}
    </Stack>
  )
}

function SmallTable({ head, rows, label }: { head: string[]; rows: ReactNode[][]; label: string }) {
  return (
    <Table fz="xs" verticalSpacing={3} horizontalSpacing="xs" aria-label={label} withTableBorder>
      <Table.Thead>
        <Table.Tr>
          {head.map((h) => (
            <Table.Th key={h}>{h}</Table.Th>
          ))}
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {rows.map((cells, i) => (
          <Table.Tr key={i}>
            {cells.map((cell, j) => (
              <Table.Td key={j} ff="monospace" style={{ wordBreak: 'break-all' }}>
                {cell}
              </Table.Td>
            ))}
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  )
}

const joined = (parts: string[]) => (parts.length ? parts.join(' ') : '—')

type Row = [string, ReactNode]

function overviewRows(detail: ContainerDetail): Row[] {
  const ended = detail.state === 'exited' || detail.state === 'dead'
  return [
    ['ID', detail.id],
    ['Image', `${detail.image} (${shortId(detail.imageId)})`],
    ['Command', joined(detail.command)],
    ['Entrypoint', joined(detail.entrypoint)],
    ['Created', formatTime(detail.created)],
    ['Started', formatTime(detail.startedAt)],
    ...(ended
      ? ([
          ['Finished', formatTime(detail.finishedAt)],
          ['Exit code', String(detail.exitCode)],
        ] as Row[])
      : []),
    ...(detail.error ? ([['Error', detail.error]] as Row[]) : []),
    ['Restart policy', `${detail.restartPolicy || 'no'} (restarted ${detail.restartCount}×)`],
    ['Working dir', detail.workingDir || '—'],
    ['User', detail.user || '—'],
    ...(detail.group
      ? ([
          [
            detail.group.kind === 'stack' ? 'Stack' : 'Compose project',
            `${detail.group.name}${detail.group.service ? ` / ${detail.group.service}` : ''}`,
          ],
        ] as Row[])
      : []),
  ]
}

function HealthSection({ health }: { health: ContainerDetail['health'] }) {
  return (
    <Section title="Health">
      <Group gap="xs">
        <HealthBadge health={health.status} />
        <Text size="xs" c="dimmed">
          failing streak {health.failingStreak}
        </Text>
      </Group>
      <SmallTable
        label="Health log"
        head={['Ended', 'Exit', 'Output']}
        rows={health.log.map((run) => [
          new Date(run.end).toLocaleTimeString(),
          run.exitCode,
          run.output.trim() || '—',
        ])}
      />
    </Section>
  )
}

function EnvironmentSection({ env }: { env: ContainerDetail['env'] }) {
  return (
    <Section title="Environment" count={env.length}>
      <KeyValueTable
        label="Environment"
        rows={env.map((entry) => [
          entry.key,
          entry.masked ? (
            <Tooltip label="Looks like a secret: hidden">
              <Group gap={4} component="span" wrap="nowrap" data-testid={`masked-${entry.key}`}>
                <IconLock size={12} />
                <Code>{entry.value}</Code>
              </Group>
            </Tooltip>
          ) : (
            entry.value
          ),
        ])}
      />
    </Section>
  )
}

function MountsSection({ mounts }: { mounts: ContainerDetail['mounts'] }) {
  return (
    <Section title="Mounts" count={mounts.length}>
      {mounts.length ? (
        <SmallTable
          label="Mounts"
          head={['Type', 'Source', 'Destination', 'Mode']}
          rows={mounts.map((m) => [
            m.type,
            m.name ?? m.source,
            m.destination,
            m.readOnly ? 'ro' : 'rw',
          ])}
        />
      ) : (
        <Text size="sm" c="dimmed">
          None
        </Text>
      )}
    </Section>
  )
}

function Details({ detail }: { detail: ContainerDetail }) {
  return (
    <Stack gap="md" data-testid="container-inspect">
      <KeyValueTable rows={overviewRows(detail)} label="Overview" />
      {detail.health.status !== 'none' && <HealthSection health={detail.health} />}
      <EnvironmentSection env={detail.env} />
      <Section title="Ports" count={detail.ports.length}>
        <Text size="sm" ff="monospace">
          {detail.ports.length ? detail.ports.map(formatPort).join('  ') : 'None published'}
        </Text>
      </Section>
      <MountsSection mounts={detail.mounts} />
      <Section title="Networks" count={detail.networks.length}>
        <SmallTable
          label="Networks"
          head={['Network', 'IP address', 'Gateway', 'MAC', 'Aliases']}
          rows={detail.networks.map((n) => [
            n.name,
            n.ipAddress || '—',
            n.gateway || '—',
            n.macAddress || '—',
            n.aliases.join(', ') || '—',
          ])}
        />
      </Section>
      <Section title="Labels" count={Object.keys(detail.labels).length}>
        <KeyValueTable
          label="Labels"
          rows={Object.entries(detail.labels).sort(([a], [b]) => a.localeCompare(b))}
        />
      </Section>
    </Stack>
  )
}

/** The container's inspect data, reloaded when the engine reports a change to it. */
export function ContainerInspect({ id }: { id: string }) {
  const detail = useLiveList(
    (client) => client.call('containers:inspect', { id }),
    ['container'],
    (event) => event.id === id,
  )
  return (
    <ListStates list={detail} what="details" isEmpty={() => false} empty={null}>
      {(data) => <Details detail={data} />}
    </ListStates>
  )
}
