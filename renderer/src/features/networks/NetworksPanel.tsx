import { useDeferredValue, useMemo, useState } from 'react'
import { Badge, Button, Group, Stack, Text } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import type { NetworkSummary } from '../../../../shared/contract'
import { DataTable, type Column, type SortState } from '../../ui/DataTable'
import { FilterInput } from '../../ui/FilterInput'
import { formatAge, shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { PanelHeader, Toolbar } from '../../ui/PanelHeader'
import { removeColumn } from '../../ui/remove-column'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { CreateNetworkDialog, PruneNetworksDialog, RemoveNetworkDialog } from './network-dialogs'
import { MiddleEllipsis } from '../../ui/MiddleEllipsis'
import { NetworkDrawer } from './NetworkDrawer'

const rowKey = (n: NetworkSummary) => n.id

export function filterNetworks(networks: NetworkSummary[], text: string): NetworkSummary[] {
  const tokens = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  return networks.filter((n) => {
    const haystack =
      `${n.name} ${n.driver} ${n.id.slice(0, 12)} ${n.subnets.map((s) => s.subnet).join(' ')} ${Object.entries(
        n.labels,
      )
        .map(([k, v]) => `${k}=${v}`)
        .join(' ')}`.toLowerCase()
    return tokens.every((t) => haystack.includes(t))
  })
}

export function NetworksPanel() {
  const list = useLiveList(
    (client) => client.call('networks:list', {}),
    ['network', 'container'],
    (e) => e.type === 'network' || e.action === 'destroy',
  )
  const [filter, setFilter] = useState('')
  const query = useDeferredValue(filter)
  const [sort, setSort] = useState<SortState>({ key: 'name', direction: 'asc' })
  const [creating, setCreating] = useState(false)
  const [pruning, setPruning] = useState(false)
  const [removing, setRemoving] = useState<NetworkSummary | null>(null)
  const [openId, setOpenId] = useState<string | null>(null)
  const now = useNow()

  const all = useMemo(() => list.data?.networks ?? [], [list.data])
  const visible = useMemo(() => filterNetworks(all, query), [all, query])

  const columns = useMemo<Column<NetworkSummary>[]>(
    () => [
      {
        key: 'name',
        header: 'Name',
        compare: (a, b) => a.name.localeCompare(b.name),
        render: (n) => (
          <Group gap={6} wrap="nowrap">
            <Text size="sm" fw={500} span style={{ minWidth: 0 }}>
              <MiddleEllipsis text={n.name} />
            </Text>
            {n.builtIn && (
              <Badge size="xs" variant="outline" color="gray">
                built-in
              </Badge>
            )}
            {n.internal && (
              <Badge size="xs" variant="light" color="orange">
                internal
              </Badge>
            )}
          </Group>
        ),
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
        setRemoving,
        (n) => !n.builtIn,
      ),
    ],
    [now],
  )

  return (
    <Stack gap="sm">
      <PanelHeader
        title="Networks"
        count={shownOf(list.data !== undefined, visible.length, all.length)}
      />
      <Toolbar>
        <FilterInput
          value={filter}
          onChange={setFilter}
          placeholder="Filter: name, driver, subnet, label"
        />
        <Button size="xs" leftSection={<IconPlus size={14} />} onClick={() => setCreating(true)}>
          Create…
        </Button>
        <Button size="xs" variant="light" color="red" onClick={() => setPruning(true)}>
          Prune…
        </Button>
      </Toolbar>
      <ListStates
        list={list}
        what="networks"
        isEmpty={(d) => d.networks.length === 0}
        empty={<ListEmpty title="No networks" />}
      >
        {() => (
          <DataTable
            label="Networks"
            columns={columns}
            rows={visible}
            rowKey={rowKey}
            sort={sort}
            onSortChange={setSort}
            onOpen={(n) => setOpenId(n.id)}
            onDelete={(n) => !n.builtIn && setRemoving(n)}
            emptyText="No network matches the filter."
          />
        )}
      </ListStates>
      <NetworkDrawer
        id={openId}
        name={all.find((n) => n.id === openId)?.name ?? 'Network'}
        onClose={() => setOpenId(null)}
      />
      <CreateNetworkDialog
        key={creating ? 'open' : 'closed'}
        opened={creating}
        onClose={() => setCreating(false)}
      />
      <RemoveNetworkDialog network={removing} onClose={() => setRemoving(null)} />
      <PruneNetworksDialog opened={pruning} onClose={() => setPruning(false)} />
    </Stack>
  )
}
