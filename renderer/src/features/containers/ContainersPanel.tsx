import { Stack } from '@mantine/core'
import type { ContainerAction, ContainerSummary } from '../../../../shared/contract'
import { DataTable, type SortState, type TableSection } from '../../ui/DataTable'
import { shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { useNow } from '../../ui/useNow'
import { useContainerColumns } from './container-columns'
import { isUp } from './container-filter'
import { ContainerDrawer } from './ContainerDrawer'
import { BulkBar, ContainersHeader, ContainersToolbar } from './ContainersToolbar'
import { RemoveContainersDialog } from './RemoveContainersDialog'
import { useContainersPanel } from './use-containers-panel'

const rowKey = (c: ContainerSummary) => c.id

function ContainersTable({
  rows,
  sections,
  sort,
  onSortChange,
  selected,
  onSelectedChange,
  busy,
  act,
  onOpen,
  onDelete,
  emptyText,
}: {
  rows: ContainerSummary[]
  sections: TableSection<ContainerSummary>[] | undefined
  sort: SortState
  onSortChange: (sort: SortState) => void
  selected: Set<string>
  onSelectedChange: (next: Set<string>) => void
  busy: ReadonlySet<string>
  act: (action: ContainerAction, targets: ContainerSummary[]) => void
  onOpen: (container: ContainerSummary) => void
  onDelete: (container: ContainerSummary) => void
  emptyText: string
}) {
  const columns = useContainerColumns(useNow(), busy, act)
  return (
    <DataTable
      label="Containers"
      columns={columns}
      rows={sections ? undefined : rows}
      sections={sections}
      rowKey={rowKey}
      sort={sort}
      onSortChange={onSortChange}
      selected={selected}
      onSelectedChange={onSelectedChange}
      onOpen={onOpen}
      onDelete={onDelete}
      emptyText={emptyText}
    />
  )
}

export function ContainersPanel() {
  const state = useContainersPanel()
  const { list, all, visible, view, selected, selection, openId, busy, act } = state
  const openContainer = all.find((c) => c.id === openId)

  return (
    <Stack gap="sm">
      <ContainersHeader
        count={shownOf(list.data !== undefined, visible.length, all.length)}
        running={list.data && all.filter((c) => isUp(c.state)).length}
        onReload={list.refresh}
      />
      <ContainersToolbar
        filter={view.filter}
        onFilterChange={view.setFilter}
        scope={view.scope}
        onScopeChange={view.setScope}
        grouped={view.grouped}
        onGroupedChange={view.setGrouped}
      />
      {selection.length > 0 && (
        <BulkBar
          count={selection.length}
          onAction={(action) => act(action, selection)}
          onClear={() => state.setSelected(new Set())}
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
          <ContainersTable
            rows={visible}
            sections={state.sections}
            sort={view.sort}
            onSortChange={view.setSort}
            selected={selected}
            onSelectedChange={state.setSelected}
            busy={busy}
            act={act}
            onOpen={(c) => state.setOpenId(c.id)}
            onDelete={(c) =>
              state.setRemoving(selected.has(c.id) && selection.length > 1 ? selection : [c])
            }
            emptyText={
              view.scope === 'running' && !state.query
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
        onClose={() => state.setOpenId(null)}
      />
      <RemoveContainersDialog
        key={state.removing.map((c) => c.id).join(',')}
        targets={state.removing}
        onRemove={state.remove}
        onClose={() => state.setRemoving([])}
      />
    </Stack>
  )
}
