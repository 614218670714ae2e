import { useCallback, useDeferredValue, useMemo, useState } from 'react'
import type { ContainerAction, ContainerSummary } from '../../../../shared/contract'
import type { SortState } from '../../ui/DataTable'
import { useLiveList } from '../../transport/live-list'
import { useContainerSections } from './container-columns'
import { filterContainers } from './container-filter'
import type { ContainerScope } from './ContainersToolbar'
import { useContainerActions, type RemoveOptions } from './use-container-actions'

/** The containers panel's list, filter, grouping, selection, open drawer and pending removal. */
export function useContainersPanel() {
  const list = useLiveList((client) => client.call('containers:list', { all: true }), ['container'])
  const [filter, setFilter] = useState('')
  const query = useDeferredValue(filter)
  const [scope, setScope] = useState<ContainerScope>('all')
  const [grouped, setGrouped] = useState(true)
  const [sort, setSort] = useState<SortState>({ key: 'name', direction: 'asc' })
  const [selected, setSelected] = useState<Set<string>>(new Set())
  const [openId, setOpenId] = useState<string | null>(null)
  const [removing, setRemoving] = useState<ContainerSummary[]>([])
  const { run, busy } = useContainerActions(list.refresh)

  const all = useMemo(() => list.data?.containers ?? [], [list.data])
  const visible = useMemo(() => filterContainers(all, query, scope), [all, query, scope])
  const selection = useMemo(() => all.filter((c) => selected.has(c.id)), [all, selected])

  const act = useCallback(
    (action: ContainerAction, targets: ContainerSummary[]) => {
      if (action === 'remove') setRemoving(targets)
      else void run(action, targets)
    },
    [run],
  )
  const sections = useContainerSections(grouped, visible, act)
  const remove = async (options: RemoveOptions) => {
    const ok = await run('remove', removing, options)
    if (ok)
      setSelected((prev) => new Set([...prev].filter((id) => !removing.some((c) => c.id === id))))
    return ok
  }

  return {
    list,
    all,
    visible,
    sections,
    query,
    view: { filter, setFilter, scope, setScope, grouped, setGrouped, sort, setSort },
    selected,
    setSelected,
    selection,
    openId,
    setOpenId,
    removing,
    setRemoving,
    remove,
    busy,
    act,
  }
}
