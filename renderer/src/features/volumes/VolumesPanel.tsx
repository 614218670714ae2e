import { useDeferredValue, useMemo, useState } from 'react'
import { Button, Drawer, Group, Stack, Text } from '@mantine/core'
import { IconPlus } from '@tabler/icons-react'
import type { VolumeSummary } from '../../../../shared/contract'
import { DataTable, type Column, type SortState } from '../../ui/DataTable'
import { FilterInput } from '../../ui/FilterInput'
import { formatAge, formatBytes, formatTime, shownOf } from '../../ui/format'
import { KeyValueTable } from '../../ui/KeyValueTable'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { PanelHeader, Toolbar } from '../../ui/PanelHeader'
import { removeColumn } from '../../ui/remove-column'
import { StatusDot } from '../../ui/StatusDot'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { MiddleEllipsis } from '../../ui/MiddleEllipsis'
import { CreateVolumeDialog, PruneVolumesDialog, RemoveVolumeDialog } from './volume-dialogs'

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

function VolumeDetail({ name }: { name: string }) {
  const detail = useLiveList(
    (client) => client.call('volumes:inspect', { name }),
    ['volume', 'container'],
  )
  return (
    <ListStates list={detail} what="volume" isEmpty={() => false} empty={null}>
      {(v) => (
        <Stack gap="md" data-testid="volume-details">
          <KeyValueTable
            label="Volume"
            rows={[
              ['Name', v.name],
              ['Driver', v.driver],
              ['Scope', v.scope],
              ['Mountpoint', v.mountpoint],
              ['Size', v.sizeBytes === null ? 'unknown' : formatBytes(v.sizeBytes)],
              ['Created', formatTime(v.created)],
              [
                'Used by',
                v.usedBy.map((c) => `${c.name} (${c.state})`).join(', ') || 'no container',
              ],
            ]}
          />
          <Text fw={600} size="sm">
            Options
          </Text>
          <KeyValueTable label="Options" rows={Object.entries(v.options)} />
          <Text fw={600} size="sm">
            Labels
          </Text>
          <KeyValueTable label="Labels" rows={Object.entries(v.labels)} />
        </Stack>
      )}
    </ListStates>
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
  const now = useNow()

  const all = useMemo(() => list.data?.volumes ?? [], [list.data])
  const visible = useMemo(() => filterVolumes(all, query), [all, query])
  const total = all.reduce((sum, v) => sum + (v.sizeBytes ?? 0), 0)

  const columns = useMemo<Column<VolumeSummary>[]>(
    () => [
      {
        key: 'name',
        header: 'Name',
        mono: true,
        compare: (a, b) => a.name.localeCompare(b.name),
        render: (v) => <MiddleEllipsis text={v.name} />,
      },
      { key: 'driver', header: 'Driver', width: 90, render: (v) => v.driver },
      {
        key: 'size',
        header: 'Size',
        width: 100,
        align: 'right',
        mono: true,
        compare: (a, b) => (a.sizeBytes ?? -1) - (b.sizeBytes ?? -1),
        render: (v) => (v.sizeBytes === null ? '—' : formatBytes(v.sizeBytes)),
      },
      {
        key: 'usedBy',
        header: 'Used by',
        width: '24%',
        compare: (a, b) => a.usedBy.length - b.usedBy.length,
        render: (v) =>
          v.usedBy.length === 0 ? (
            <Text size="xs" c="dimmed" span>
              unused
            </Text>
          ) : (
            <Group gap={6} wrap="nowrap">
              {v.usedBy.map((c) => (
                <Group key={c.id} gap={4} wrap="nowrap">
                  <StatusDot state={c.state === 'running' ? 'ok' : 'idle'} label={c.state} />
                  <Text size="xs" span>
                    {c.name}
                  </Text>
                </Group>
              ))}
            </Group>
          ),
      },
      {
        key: 'created',
        header: 'Created',
        width: 120,
        compare: (a, b) => (a.created ?? 0) - (b.created ?? 0),
        render: (v) => (
          <Text size="xs" span>
            {v.created ? formatAge(v.created, now) : '—'}
          </Text>
        ),
      },
      removeColumn<VolumeSummary>((v) => v.name, setRemoving),
    ],
    [now],
  )

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
      <Toolbar>
        <FilterInput
          value={filter}
          onChange={setFilter}
          placeholder="Filter: name, container, label, is:unused"
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
          <DataTable
            label="Volumes"
            columns={columns}
            rows={visible}
            rowKey={rowKey}
            sort={sort}
            onSortChange={setSort}
            onOpen={(v) => setOpenName(v.name)}
            onDelete={setRemoving}
            emptyText="No volume matches the filter."
          />
        )}
      </ListStates>
      <Drawer
        opened={openName !== null}
        onClose={() => setOpenName(null)}
        position="right"
        size="min(760px, 55%)"
        title={
          <Text fw={600} ff="monospace">
            {openName}
          </Text>
        }
      >
        {openName && <VolumeDetail key={openName} name={openName} />}
      </Drawer>
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
