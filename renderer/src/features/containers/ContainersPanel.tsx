import { useCallback, useDeferredValue, useMemo, useState } from 'react'
import {
  ActionIcon,
  Badge,
  Button,
  Group,
  Paper,
  SegmentedControl,
  Stack,
  Switch,
  Text,
  Tooltip,
} from '@mantine/core'
import { IconRefresh } from '@tabler/icons-react'
import type { ContainerAction, ContainerSummary } from '../../../../shared/contract'
import { DataTable, type Column, type SortState, type TableSection } from '../../ui/DataTable'
import { FilterInput } from '../../ui/FilterInput'
import { formatAge, shortId, shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { PanelHeader, Toolbar } from '../../ui/PanelHeader'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { MiddleEllipsis } from '../../ui/MiddleEllipsis'
import { HealthBadge, PortsCell, RowActions, StateCell } from './container-cells'
import {
  compareContainers,
  filterContainers,
  groupContainers,
  isUp,
  type ContainerSection,
} from './container-filter'
import { ContainerDrawer } from './ContainerDrawer'
import { RemoveContainersDialog } from './RemoveContainersDialog'
import { actionLabels, useContainerActions, type RemoveOptions } from './use-container-actions'

const rowKey = (c: ContainerSummary) => c.id

function SectionHeader({
  section,
  onAction,
}: {
  section: ContainerSection
  onAction: (action: ContainerAction, rows: ContainerSummary[]) => void
}) {
  const up = section.rows.filter((c) => isUp(c.state)).length
  return (
    <Group gap={8} wrap="nowrap" style={{ flex: 1 }} data-testid={`group-${section.name}`}>
      {section.kind !== 'none' && (
        <Badge size="xs" variant="outline" color={section.kind === 'stack' ? 'indigo' : 'gray'}>
          {section.kind}
        </Badge>
      )}
      <Text fw={600} size="sm">
        {section.name}
      </Text>
      <Text size="xs" c="dimmed">
        {up}/{section.rows.length} running
      </Text>
      {section.kind !== 'none' && (
        <Group gap={4} ml="auto">
          {up < section.rows.length && (
            <Button
              size="compact-xs"
              variant="subtle"
              onClick={() => onAction('start', section.rows)}
            >
              Start all
            </Button>
          )}
          {up > 0 && (
            <Button
              size="compact-xs"
              variant="subtle"
              color="red"
              onClick={() =>
                onAction(
                  'stop',
                  section.rows.filter((c) => isUp(c.state)),
                )
              }
            >
              Stop all
            </Button>
          )}
        </Group>
      )}
    </Group>
  )
}

function BulkBar({
  count,
  onAction,
  onClear,
}: {
  count: number
  onAction: (action: ContainerAction) => void
  onClear: () => void
}) {
  return (
    <Paper withBorder px="sm" py={6} data-testid="bulk-bar">
      <Group gap="xs">
        <Text size="sm" fw={600}>
          {count} selected
        </Text>
        {(['start', 'stop', 'restart'] as const).map((action) => (
          <Button key={action} size="compact-sm" variant="light" onClick={() => onAction(action)}>
            {actionLabels[action]}
          </Button>
        ))}
        <Button size="compact-sm" variant="light" color="red" onClick={() => onAction('remove')}>
          Remove…
        </Button>
        <Button size="compact-sm" variant="subtle" color="gray" onClick={onClear}>
          Clear selection
        </Button>
      </Group>
    </Paper>
  )
}

export function ContainersPanel() {
  const list = useLiveList((client) => client.call('containers:list', { all: true }), ['container'])
  const [filter, setFilter] = useState('')
  const query = useDeferredValue(filter)
  const [scope, setScope] = useState<'running' | 'all'>('all')
  const [grouped, setGrouped] = useState(true)
  const [sort, setSort] = useState<SortState>({ key: 'name', direction: 'asc' })
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [openId, setOpenId] = useState<string | null>(null)
  const [removing, setRemoving] = useState<ContainerSummary[]>([])
  const { run, busy } = useContainerActions(list.refresh)
  const now = useNow()

  const all = useMemo(() => list.data?.containers ?? [], [list.data])
  const visible = useMemo(() => filterContainers(all, query, scope), [all, query, scope])
  const sections = useMemo<TableSection<ContainerSummary>[] | undefined>(() => {
    if (!grouped) return undefined
    const groups = groupContainers(visible)
    if (groups.length === 1 && groups[0]!.kind === 'none') return undefined
    return groups.map((section) => ({
      key: section.key,
      rows: section.rows,
      header: (
        <SectionHeader section={section} onAction={(action, rows) => void run(action, rows)} />
      ),
    }))
  }, [grouped, visible, run])
  const selection = useMemo(() => all.filter((c) => selected.has(c.id)), [all, selected])

  const act = useCallback(
    (action: ContainerAction, targets: ContainerSummary[]) => {
      if (action === 'remove') setRemoving(targets)
      else void run(action, targets)
    },
    [run],
  )
  const remove = async (options: RemoveOptions) => {
    const ok = await run('remove', removing, options)
    if (ok)
      setSelected((prev) => new Set([...prev].filter((id) => !removing.some((c) => c.id === id))))
    return ok
  }

  const columns = useMemo<Column<ContainerSummary>[]>(
    () => [
      {
        key: 'name',
        header: 'Name',
        compare: compareContainers.name,
        render: (c) => (
          <Text size="sm" fw={500} span>
            <MiddleEllipsis text={c.name} />
          </Text>
        ),
      },
      {
        key: 'image',
        header: 'Image',
        width: '12%',
        compare: compareContainers.image,
        mono: true,
        // An image whose tag moved on is shown by id, as `docker ps` does.
        render: (c) => (c.image.startsWith('sha256:') ? shortId(c.image) : c.image),
      },
      {
        key: 'state',
        header: 'State',
        width: 140,
        compare: compareContainers.state,
        render: (c) => <StateCell state={c.state} status={c.status} />,
      },
      {
        key: 'health',
        header: 'Health',
        width: 96,
        compare: compareContainers.health,
        render: (c) => <HealthBadge health={c.health} />,
      },
      {
        key: 'ports',
        header: 'Ports',
        width: 320,
        compare: compareContainers.ports,
        interactive: true,
        render: (c) => <PortsCell ports={c.ports} />,
      },
      {
        key: 'created',
        header: 'Created',
        width: 90,
        compare: compareContainers.created,
        render: (c) => (
          <Text size="xs" span>
            {formatAge(c.created, now)}
          </Text>
        ),
      },
      {
        key: 'actions',
        header: '',
        width: 64,
        compact: true,
        interactive: true,
        render: (c) => (
          <RowActions container={c} busy={busy.has(c.id)} onAction={(action) => act(action, [c])} />
        ),
      },
    ],
    [act, busy, now],
  )

  const openContainer = all.find((c) => c.id === openId)
  const running = all.filter((c) => isUp(c.state)).length

  return (
    <Stack gap="sm">
      <PanelHeader
        title="Containers"
        count={shownOf(list.data !== undefined, visible.length, all.length)}
      >
        {list.data && (
          <Text size="xs" c="dimmed">
            {running} running
          </Text>
        )}
        <Tooltip label="Reload now (the list also updates live)">
          <ActionIcon variant="subtle" color="gray" aria-label="Reload" onClick={list.refresh}>
            <IconRefresh size={16} />
          </ActionIcon>
        </Tooltip>
      </PanelHeader>
      <Toolbar>
        <FilterInput
          value={filter}
          onChange={setFilter}
          placeholder="Filter: words, name:, image:, label:k=v, status:"
          width={400}
        />
        <SegmentedControl
          size="xs"
          value={scope}
          onChange={(value) => setScope(value)}
          data={[
            { value: 'all', label: 'All' },
            { value: 'running', label: 'Running' },
          ]}
          role="radiogroup"
          aria-label="Which containers"
        />
        <Switch
          size="xs"
          label="Group by project"
          checked={grouped}
          onChange={(event) => setGrouped(event.currentTarget.checked)}
        />
      </Toolbar>
      {selection.length > 0 && (
        <BulkBar
          count={selection.length}
          onAction={(action) => act(action, selection)}
          onClear={() => setSelected(new Set())}
        />
      )}
      <ListStates
        list={list}
        what="containers"
        isEmpty={(data) => data.containers.length === 0}
        empty={
          <ListEmpty
            title="No containers"
            description="Containers you run with docker, compose or the Stack panel show up here live."
          />
        }
      >
        {() => (
          <DataTable
            label="Containers"
            columns={columns}
            rows={sections ? undefined : visible}
            sections={sections}
            rowKey={rowKey}
            sort={sort}
            onSortChange={setSort}
            selected={selected}
            onSelectedChange={setSelected}
            onOpen={(c) => setOpenId(c.id)}
            onDelete={(c) =>
              setRemoving(selected.has(c.id) && selection.length > 1 ? selection : [c])
            }
            emptyText={
              scope === 'running' && !query
                ? 'No running containers.'
                : 'No container matches the filter.'
            }
          />
        )}
      </ListStates>
      <ContainerDrawer
        id={openId}
        summary={openContainer}
        busy={openId !== null && busy.has(openId)}
        onAction={(action) => openContainer && act(action, [openContainer])}
        onClose={() => setOpenId(null)}
      />
      <RemoveContainersDialog
        key={removing.map((c) => c.id).join(',')}
        targets={removing}
        onRemove={remove}
        onClose={() => setRemoving([])}
      />
    </Stack>
  )
}
