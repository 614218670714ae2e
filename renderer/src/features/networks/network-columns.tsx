import { useMemo } from 'react'
import { Badge, Group, Text } from '@mantine/core'
import type { NetworkSummary } from '../../../../shared/contract'
import type { Column } from '../../ui/DataTable'
import { formatAge } from '../../ui/format'
import { MiddleEllipsis } from '../../ui/MiddleEllipsis'
import { removeColumn } from '../../ui/remove-column'

function NameCell({ network }: { network: NetworkSummary }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" fw={500} span style={{ minWidth: 0 }}>
        <MiddleEllipsis text={network.name} />
      </Text>
      {network.builtIn && (
        <Badge size="xs" variant="outline" color="gray">
          built-in
        </Badge>
      )}
      {network.internal && (
        <Badge size="xs" variant="light" color="orange">
          internal
        </Badge>
      )}
    </Group>
  )
}

function networkColumns(
  now: number,
  onRemove: (network: NetworkSummary) => void,
): Column<NetworkSummary>[] {
  return [
    {
      key: 'name',
      header: 'Name',
      compare: (a, b) => a.name.localeCompare(b.name),
      render: (n) => <NameCell network={n} />,
    },
    { key: 'id', header: 'ID', width: 130, mono: true, render: (n) => n.id.slice(0, 12) },
    {
      key: 'driver',
      header: 'Driver',
      width: 100,
      compare: (a, b) => a.driver.localeCompare(b.driver),
      render: (n) => n.driver,
    },
    {
      key: 'subnet',
      header: 'Subnet',
      width: 190,
      mono: true,
      render: (n) => n.subnets.map((s) => s.subnet).join(', ') || '—',
    },
    {
      key: 'containers',
      header: 'Containers',
      width: 110,
      align: 'right',
      compare: (a, b) => a.containerCount - b.containerCount,
      render: (n) => n.containerCount,
    },
    {
      key: 'created',
      header: 'Created',
      width: 120,
      compare: (a, b) => a.created - b.created,
      render: (n) => (
        <Text size="xs" span>
          {formatAge(n.created, now)}
        </Text>
      ),
    },
    removeColumn<NetworkSummary>(
      (n) => n.name,
      onRemove,
      (n) => !n.builtIn,
    ),
  ]
}

/** The networks table's columns; `onRemove` should be stable (a state setter). */
export function useNetworkColumns(now: number, onRemove: (network: NetworkSummary) => void) {
  return useMemo(() => networkColumns(now, onRemove), [now, onRemove])
}
