import { useDeferredValue, useMemo, useState } from 'react'
import { Stack } from '@mantine/core'
import type { NetworkSummary } from '../../../../shared/contract'
import { DataTable, type SortState } from '../../ui/DataTable'
import { shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { PanelHeader } from '../../ui/PanelHeader'
import { ResourceToolbar } from '../../ui/ResourceToolbar'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { useNetworkColumns } from './network-columns'
import { CreateNetworkDialog, PruneNetworksDialog, RemoveNetworkDialog } from './network-dialogs'
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

function NetworksTable({
  rows,
  sort,
  onSortChange,
  onOpen,
  onRemove,
}: {
  rows: NetworkSummary[]
  sort: SortState
  onSortChange: (sort: SortState) => void
  onOpen: (network: NetworkSummary) => void
  onRemove: (network: NetworkSummary) => void
}) {
  const columns = useNetworkColumns(useNow(), onRemove)
  return (
    <DataTable
      label="Networks"
      columns={columns}
      rows={rows}
      rowKey={rowKey}
      sort={sort}
      onSortChange={onSortChange}
      onOpen={onOpen}
      onDelete={(n) => !n.builtIn && onRemove(n)}
      emptyText="No network matches the filter."
    />
  )
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

  const all = useMemo(() => list.data?.networks ?? [], [list.data])
  const visible = useMemo(() => filterNetworks(all, query), [all, query])

  return (
    <Stack gap="sm">
      <PanelHeader
        title="Networks"
        count={shownOf(list.data !== undefined, visible.length, all.length)}
      />
      <ResourceToolbar
        filter={filter}
        onFilterChange={setFilter}
        placeholder="Filter: name, driver, subnet, label"
        onCreate={() => setCreating(true)}
        onPrune={() => setPruning(true)}
      />
      <ListStates
        list={list}
        what="networks"
        isEmpty={(d) => d.networks.length === 0}
        empty={<ListEmpty title="No networks" />}
      >
        {() => (
          <NetworksTable
            rows={visible}
            sort={sort}
            onSortChange={setSort}
            onOpen={(n) => setOpenId(n.id)}
            onRemove={setRemoving}
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
