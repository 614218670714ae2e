import { useMemo, type Dispatch, type SetStateAction } from 'react'
import { ActionIcon, Badge, Group, Menu, Text } from '@mantine/core'
import { IconDots, IconHistory, IconTag, IconTrash } from '@tabler/icons-react'
import type { ImageSummary } from '../../../../shared/contract'
import type { Column } from '../../ui/DataTable'
import { formatAge, formatBytes, shortId } from '../../ui/format'
import { compareImages } from './image-filter'
import { UsedByCell } from '../../ui/UsedByCell'

/** The image the drawer shows, and on which tab. */
export interface OpenImage {
  id: string
  tab: 'details' | 'history'
}

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

export interface ImageRowActions {
  onTag: (image: ImageSummary) => void
  onRemove: (image: ImageSummary) => void
  onOpen: Dispatch<SetStateAction<OpenImage | null>>
}

function ImageActionsMenu({ image, actions }: { image: ImageSummary; actions: ImageRowActions }) {
  return (
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
        <Menu.Item leftSection={<IconTag size={14} />} onClick={() => actions.onTag(image)}>
          Tag…
        </Menu.Item>
        <Menu.Item
          leftSection={<IconHistory size={14} />}
          onClick={() => actions.onOpen({ id: image.id, tab: 'history' })}
        >
          History
        </Menu.Item>
        <Menu.Item
          leftSection={<IconTrash size={14} />}
          color="red"
          onClick={() => actions.onRemove(image)}
        >
          Remove…
        </Menu.Item>
      </Menu.Dropdown>
    </Menu>
  )
}

function imageColumns(now: number, actions: ImageRowActions): Column<ImageSummary>[] {
  return [
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
      render: (i) => <UsedByCell usedBy={i.usedBy} max={2} />,
    },
    {
      key: 'actions',
      header: '',
      width: 44,
      compact: true,
      interactive: true,
      render: (image) => <ImageActionsMenu image={image} actions={actions} />,
    },
  ]
}

/** The images table's columns; pass stable callbacks (state setters) so they are built once a tick. */
export function useImageColumns(now: number, { onTag, onRemove, onOpen }: ImageRowActions) {
  return useMemo(
    () => imageColumns(now, { onTag, onRemove, onOpen }),
    [now, onTag, onRemove, onOpen],
  )
}
