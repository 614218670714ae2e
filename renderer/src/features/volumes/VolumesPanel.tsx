import { useDeferredValue, useMemo, useState } from 'react'
import { Stack, Text } from '@mantine/core'
import type { VolumeSummary } from '../../../../shared/contract'
import { DataTable, type SortState } from '../../ui/DataTable'
import { formatBytes, shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { PanelHeader } from '../../ui/PanelHeader'
import { ResourceToolbar } from '../../ui/ResourceToolbar'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { useVolumeColumns } from './volume-columns'
import { CreateVolumeDialog, PruneVolumesDialog, RemoveVolumeDialog } from './volume-dialogs'
import { VolumeDrawer } from './VolumeDrawer'

const rowKey = (v: VolumeSummary) => v.name

export function filterVolumes(volumes: VolumeSummary[], text: string): VolumeSummary[] {
  const tokens = text.trim().toLowerCase().split(/\s+/).filter(Boolean)
  return volumes.filter((v) => {
    const haystack =
      `${v.name} ${v.driver} ${v.usedBy.map((c) => c.name).join(' ')} ${Object.entries(v.labels)
        .map(([k, val]) => `${k}=${val}`)
        .join(' ')}`.toLowerCase()
    return tokens.every((t) =>
      t === 'is:unused'
        ? v.usedBy.length === 0
        : t === 'is:used'
          ? v.usedBy.length > 0
          : haystack.includes(t),
    )
  })
}

function VolumesTable({
  rows,
  sort,
  onSortChange,
  onOpen,
  onRemove,
}: {
  rows: VolumeSummary[]
  sort: SortState
  onSortChange: (sort: SortState) => void
  onOpen: (volume: VolumeSummary) => void
  onRemove: (volume: VolumeSummary) => void
}) {
  const columns = useVolumeColumns(useNow(), onRemove)
  return (
    <DataTable
      label="Volumes"
      columns={columns}
      rows={rows}
      rowKey={rowKey}
      sort={sort}
      onSortChange={onSortChange}
      onOpen={onOpen}
      onDelete={onRemove}
      emptyText="No volume matches the filter."
    />
  )
}

export function VolumesPanel() {
  const list = useLiveList(
    (client) => client.call('volumes:list', {}),
    ['volume', 'container'],
    (e) => e.type === 'volume' || e.action === 'create' || e.action === 'destroy',
  )
  const [filter, setFilter] = useState('')
  const query = useDeferredValue(filter)
  const [sort, setSort] = useState<SortState>({ key: 'name', direction: 'asc' })
  const [creating, setCreating] = useState(false)
  const [pruning, setPruning] = useState(false)
  const [removing, setRemoving] = useState<VolumeSummary | null>(null)
  const [openName, setOpenName] = useState<string | null>(null)

  const all = useMemo(() => list.data?.volumes ?? [], [list.data])
  const visible = useMemo(() => filterVolumes(all, query), [all, query])
  const total = all.reduce((sum, v) => sum + (v.sizeBytes ?? 0), 0)

  return (
    <Stack gap="sm">
      <PanelHeader
        title="Volumes"
        count={shownOf(list.data !== undefined, visible.length, all.length)}
      >
        {list.data && (
          <Text size="xs" c="dimmed">
            {formatBytes(total)} in total
          </Text>
        )}
      </PanelHeader>
      <ResourceToolbar
        filter={filter}
        onFilterChange={setFilter}
        placeholder="Filter: name, container, label, is:unused"
        onCreate={() => setCreating(true)}
        onPrune={() => setPruning(true)}
      />
      <ListStates
        list={list}
        what="volumes"
        isEmpty={(d) => d.volumes.length === 0}
        empty={
          <ListEmpty
            title="No volumes"
            description="Named volumes that containers keep their data in show up here."
          />
        }
      >
        {() => (
          <VolumesTable
            rows={visible}
            sort={sort}
            onSortChange={setSort}
            onOpen={(v) => setOpenName(v.name)}
            onRemove={setRemoving}
          />
        )}
      </ListStates>
      <VolumeDrawer name={openName} onClose={() => setOpenName(null)} />
      <CreateVolumeDialog
        key={creating ? 'open' : 'closed'}
        opened={creating}
        onClose={() => setCreating(false)}
      />
      <RemoveVolumeDialog
        key={removing?.name ?? 'none'}
        volume={removing}
        onClose={() => setRemoving(null)}
      />
      <PruneVolumesDialog opened={pruning} onClose={() => setPruning(false)} />
    </Stack>
  )
}
