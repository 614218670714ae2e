import { useDeferredValue, useMemo, useState } from 'react'
import { Stack } from '@mantine/core'
import type { ImageSummary } from '../../../../shared/contract'
import { DataTable, type SortState } from '../../ui/DataTable'
import { shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { useImageColumns, type ImageRowActions, type OpenImage } from './image-columns'
import { BuildDialog, PruneImagesDialog, RemoveImageDialog, TagDialog } from './image-dialogs'
import { filterImages } from './image-filter'
import { ImageDrawer } from './ImageDrawer'
import { ImagesHeader, ImagesToolbar, TransferList } from './ImagesToolbar'
import { useTransfers } from './transfers'

const rowKey = (image: ImageSummary) => image.id

function ImagesTable({
  rows,
  sort,
  onSortChange,
  actions,
}: {
  rows: ImageSummary[]
  sort: SortState
  onSortChange: (sort: SortState) => void
  actions: ImageRowActions
}) {
  const columns = useImageColumns(useNow(), actions)
  return (
    <DataTable
      label="Images"
      columns={columns}
      rows={rows}
      rowKey={rowKey}
      sort={sort}
      onSortChange={onSortChange}
      onOpen={(image) => actions.onOpen({ id: image.id, tab: 'details' })}
      onDelete={actions.onRemove}
      emptyText="No image matches the filter."
      maxHeight="calc(100vh - 200px)"
    />
  )
}

export function ImagesPanel() {
  const list = useLiveList(
    (client) => client.call('images:list', {}),
    ['image', 'container'],
    (e) => e.type === 'image' || e.action === 'create' || e.action === 'destroy',
  )
  const { jobs, store } = useTransfers()
  const [filter, setFilter] = useState('')
  const query = useDeferredValue(filter)
  const [sort, setSort] = useState<SortState>({ key: 'created', direction: 'desc' })
  const [building, setBuilding] = useState(false)
  const [pruning, setPruning] = useState(false)
  const [tagging, setTagging] = useState<ImageSummary | null>(null)
  const [removing, setRemoving] = useState<ImageSummary | null>(null)
  const [open, setOpen] = useState<OpenImage | null>(null)

  const all = useMemo(() => list.data?.images ?? [], [list.data])
  const visible = useMemo(() => filterImages(all, query), [all, query])
  const totalSize = useMemo(() => all.reduce((sum, i) => sum + i.sizeBytes, 0), [all])

  return (
    <Stack gap="sm">
      <ImagesHeader
        count={shownOf(list.data !== undefined, visible.length, all.length)}
        totalBytes={list.data && totalSize}
      />
      <ImagesToolbar
        filter={filter}
        onFilterChange={setFilter}
        onPull={(ref) => store.startPull(ref)}
        onBuild={() => setBuilding(true)}
        onPrune={() => setPruning(true)}
      />
      <TransferList jobs={jobs} store={store} />
      <ListStates
        list={list}
        what="images"
        isEmpty={(data) => data.images.length === 0}
        empty={
          <ListEmpty
            title="No images"
            description="Pull one above, build one from a folder, or let the Stack panel build MailDock's."
          />
        }
      >
        {() => (
          <ImagesTable
            rows={visible}
            sort={sort}
            onSortChange={setSort}
            actions={{ onTag: setTagging, onRemove: setRemoving, onOpen: setOpen }}
          />
        )}
      </ListStates>
      <ImageDrawer
        image={all.find((i) => i.id === open?.id) ?? null}
        tab={open?.tab ?? 'details'}
        onTabChange={(tab) => setOpen((prev) => prev && { ...prev, tab })}
        onClose={() => setOpen(null)}
      />
      <TagDialog key={`tag-${tagging?.id}`} image={tagging} onClose={() => setTagging(null)} />
      <RemoveImageDialog
        key={`rm-${removing?.id}`}
        image={removing}
        onClose={() => setRemoving(null)}
      />
      <PruneImagesDialog opened={pruning} onClose={() => setPruning(false)} />
      <BuildDialog
        opened={building}
        onClose={() => setBuilding(false)}
        onBuild={(input) => store.startBuild(input)}
      />
    </Stack>
  )
}
