import { useDeferredValue, useMemo, useState } from 'react'
import { ActionIcon, Badge, Button, Group, Menu, Stack, Text, TextInput } from '@mantine/core'
import {
  IconDots,
  IconDownload,
  IconHammer,
  IconHistory,
  IconTag,
  IconTrash,
} from '@tabler/icons-react'
import type { ImageSummary } from '../../../../shared/contract'
import { DataTable, type Column, type SortState } from '../../ui/DataTable'
import { FilterInput } from '../../ui/FilterInput'
import { formatAge, formatBytes, shortId, shownOf } from '../../ui/format'
import { ListEmpty, ListStates } from '../../ui/ListStates'
import { PanelHeader, Toolbar } from '../../ui/PanelHeader'
import { StatusDot } from '../../ui/StatusDot'
import { useLiveList } from '../../transport/live-list'
import { useNow } from '../../ui/useNow'
import { BuildDialog, PruneImagesDialog, RemoveImageDialog, TagDialog } from './image-dialogs'
import { compareImages, filterImages } from './image-filter'
import { ImageDrawer } from './ImageDrawer'
import { BuildCard, PullCard } from './TransferCards'
import { useTransfers } from './transfers'

const rowKey = (image: ImageSummary) => image.id

function TagsCell({ image }: { image: ImageSummary }) {
  if (image.tags.length === 0)
    return (
      <Text size="sm" c="dimmed" ff="monospace" span>
        &lt;none&gt;
      </Text>
    )
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" ff="monospace" span truncate>
        {image.tags[0]}
      </Text>
      {image.tags.length > 1 && (
        <Badge size="xs" variant="light" title={image.tags.slice(1).join('\n')}>
          +{image.tags.length - 1}
        </Badge>
      )}
    </Group>
  )
}

function UsedByCell({ image }: { image: ImageSummary }) {
  if (image.usedBy.length === 0)
    return (
      <Text size="xs" c="dimmed" span>
        unused
      </Text>
    )
  return (
    <Group gap={6} wrap="nowrap">
      {image.usedBy.slice(0, 2).map((c) => (
        <Group key={c.id} gap={4} wrap="nowrap">
          <StatusDot state={c.state === 'running' ? 'ok' : 'idle'} label={c.state} />
          <Text size="xs" span>
            {c.name}
          </Text>
        </Group>
      ))}
      {image.usedBy.length > 2 && (
        <Text size="xs" c="dimmed" span>
          +{image.usedBy.length - 2}
        </Text>
      )}
    </Group>
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
  const [pullRef, setPullRef] = useState('')
  const [building, setBuilding] = useState(false)
  const [pruning, setPruning] = useState(false)
  const [tagging, setTagging] = useState<ImageSummary | null>(null)
  const [removing, setRemoving] = useState<ImageSummary | null>(null)
  const [open, setOpen] = useState<{ id: string; tab: 'details' | 'history' } | null>(null)
  const now = useNow()

  const all = useMemo(() => list.data?.images ?? [], [list.data])
  const visible = useMemo(() => filterImages(all, query), [all, query])
  const totalSize = useMemo(() => all.reduce((sum, i) => sum + i.sizeBytes, 0), [all])

  const pull = () => {
    const ref = pullRef.trim()
    if (!ref) return
    store.startPull(ref)
    setPullRef('')
  }

  const columns = useMemo<Column<ImageSummary>[]>(
    () => [
      {
        key: 'tag',
        header: 'Repository:tag',
        compare: compareImages.tag,
        render: (i) => <TagsCell image={i} />,
      },
      {
        key: 'id',
        header: 'ID',
        width: 130,
        mono: true,
        compare: compareImages.id,
        render: (i) => shortId(i.id),
      },
      {
        key: 'size',
        header: 'Size',
        width: 100,
        align: 'right',
        mono: true,
        compare: compareImages.size,
        render: (i) => formatBytes(i.sizeBytes),
      },
      {
        key: 'created',
        header: 'Created',
        width: 120,
        compare: compareImages.created,
        render: (i) => (
          <Text size="xs" span>
            {formatAge(i.created, now)}
          </Text>
        ),
      },
      {
        key: 'usedBy',
        header: 'Used by',
        width: '26%',
        compare: compareImages.usedBy,
        render: (i) => <UsedByCell image={i} />,
      },
      {
        key: 'actions',
        header: '',
        width: 44,
        compact: true,
        interactive: true,
        render: (image) => (
          <Menu position="bottom-end" withinPortal shadow="md">
            <Menu.Target>
              <ActionIcon
                size="sm"
                variant="subtle"
                color="gray"
                aria-label={`Actions for ${image.tags[0] ?? shortId(image.id)}`}
              >
                <IconDots size={16} />
              </ActionIcon>
            </Menu.Target>
            <Menu.Dropdown>
              <Menu.Item leftSection={<IconTag size={14} />} onClick={() => setTagging(image)}>
                Tag…
              </Menu.Item>
              <Menu.Item
                leftSection={<IconHistory size={14} />}
                onClick={() => setOpen({ id: image.id, tab: 'history' })}
              >
                History
              </Menu.Item>
              <Menu.Item
                leftSection={<IconTrash size={14} />}
                color="red"
                onClick={() => setRemoving(image)}
              >
                Remove…
              </Menu.Item>
            </Menu.Dropdown>
          </Menu>
        ),
      },
    ],
    [now],
  )

  return (
    <Stack gap="sm">
      <PanelHeader
        title="Images"
        count={shownOf(list.data !== undefined, visible.length, all.length)}
      >
        {list.data && (
          <Text size="xs" c="dimmed">
            {formatBytes(totalSize)} in total
          </Text>
        )}
      </PanelHeader>
      <Toolbar>
        <FilterInput
          value={filter}
          onChange={setFilter}
          placeholder="Filter: tag, id, container, is:dangling, is:unused"
        />
        <form
          onSubmit={(event) => {
            event.preventDefault()
            pull()
          }}
        >
          <Group gap={4} wrap="nowrap">
            <TextInput
              size="xs"
              w={280}
              ff="monospace"
              aria-label="Image to pull"
              placeholder="127.0.0.1:5000/alpine:3.20"
              value={pullRef}
              onChange={(e) => setPullRef(e.currentTarget.value)}
            />
            <Button
              size="xs"
              type="submit"
              leftSection={<IconDownload size={14} />}
              disabled={!pullRef.trim()}
            >
              Pull
            </Button>
          </Group>
        </form>
        <Button
          size="xs"
          variant="light"
          leftSection={<IconHammer size={14} />}
          onClick={() => setBuilding(true)}
        >
          Build…
        </Button>
        <Button size="xs" variant="light" color="red" onClick={() => setPruning(true)}>
          Prune…
        </Button>
      </Toolbar>
      {jobs.filter((job) => job.state !== 'running').length > 1 && (
        <Group justify="flex-end">
          <Button
            size="compact-xs"
            variant="subtle"
            color="gray"
            onClick={() => store.dismissFinished()}
          >
            Clear finished
          </Button>
        </Group>
      )}
      {jobs.map((job) =>
        job.kind === 'pull' ? (
          <PullCard
            key={job.key}
            job={job}
            onCancel={() => store.cancel(job.key)}
            onDismiss={() => store.dismiss(job.key)}
          />
        ) : (
          <BuildCard
            key={job.key}
            job={job}
            onCancel={() => store.cancel(job.key)}
            onDismiss={() => store.dismiss(job.key)}
          />
        ),
      )}
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
          <DataTable
            label="Images"
            columns={columns}
            rows={visible}
            rowKey={rowKey}
            sort={sort}
            onSortChange={setSort}
            onOpen={(image) => setOpen({ id: image.id, tab: 'details' })}
            onDelete={setRemoving}
            emptyText="No image matches the filter."
            maxHeight="calc(100vh - 200px)"
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
