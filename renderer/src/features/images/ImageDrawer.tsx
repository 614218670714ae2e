import type { ReactNode } from 'react'
import { Drawer, Stack, Table, Tabs, Text, Tooltip } from '@mantine/core'
import type { ImageDetail, ImageSummary } from '../../../../shared/contract'
import { formatAge, formatBytes, formatTime, shortId } from '../../ui/format'
import { KeyValueTable } from '../../ui/KeyValueTable'
import { ListStates } from '../../ui/ListStates'
import { useLiveList } from '../../transport/live-list'
import { imageTitle } from './image-dialogs'

const list = (items: string[]) => (items.length ? items.join(' ') : '—')

function Details({ detail }: { detail: ImageDetail }) {
  const rows: Array<[string, ReactNode]> = [
    ['ID', detail.id],
    ['Tags', list(detail.tags)],
    ['Digests', list(detail.digests)],
    ['Size', formatBytes(detail.sizeBytes)],
    ['Created', formatTime(detail.created)],
    ['Platform', `${detail.os}/${detail.architecture}`],
    ['Layers', String(detail.layers)],
    ['Entrypoint', list(detail.entrypoint)],
    ['Command', list(detail.command)],
    ['Working dir', detail.workingDir || '—'],
    ['User', detail.user || '—'],
    ['Exposed ports', list(detail.exposedPorts)],
    ['Used by', detail.usedBy.map((c) => `${c.name} (${c.state})`).join(', ') || 'no container'],
  ]
  return (
    <Stack gap="md" data-testid="image-details">
      <KeyValueTable rows={rows} label="Image" />
      <Text fw={600} size="sm">
        Environment
      </Text>
      <KeyValueTable rows={detail.env.map((e) => [e.key, e.value])} label="Image environment" />
      <Text fw={600} size="sm">
        Labels
      </Text>
      <KeyValueTable rows={Object.entries(detail.labels)} label="Image labels" />
    </Stack>
  )
}

function DetailsTab({ id }: { id: string }) {
  const detail = useLiveList(
    (client) => client.call('images:inspect', { id }),
    ['image', 'container'],
    (e) => e.type === 'container' || e.id === id,
  )
  return (
    <ListStates list={detail} what="details" isEmpty={() => false} empty={null}>
      {(data) => <Details detail={data} />}
    </ListStates>
  )
}

function History({ id }: { id: string }) {
  const history = useLiveList(
    (client) => client.call('images:history', { id }),
    ['image'],
    (e) => e.id === id,
  )
  return (
    <ListStates
      list={history}
      what="history"
      isEmpty={(d) => d.entries.length === 0}
      empty={<Text c="dimmed">No history.</Text>}
    >
      {(data) => (
        <Table
          fz="xs"
          verticalSpacing={3}
          aria-label="Image history"
          layout="fixed"
          withTableBorder
        >
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={110}>Created</Table.Th>
              <Table.Th>Created by</Table.Th>
              <Table.Th w={90} ta="right">
                Size
              </Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {data.entries.map((entry, i) => (
              <Table.Tr key={`${entry.id}-${i}`}>
                <Table.Td>{formatAge(entry.created)}</Table.Td>
                <Table.Td
                  ff="monospace"
                  style={{ whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}
                >
                  <Tooltip label={entry.createdBy} multiline maw={600} openDelay={300}>
                    <span>{entry.createdBy || entry.comment || '—'}</span>
                  </Tooltip>
                </Table.Td>
                <Table.Td ta="right" ff="monospace">
                  {formatBytes(entry.sizeBytes)}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </ListStates>
  )
}

export function ImageDrawer({
  image,
  tab,
  onTabChange,
  onClose,
}: {
  image: ImageSummary | null
  tab: 'details' | 'history'
  onTabChange: (tab: 'details' | 'history') => void
  onClose: () => void
}) {
  return (
    <Drawer
      opened={image !== null}
      onClose={onClose}
      position="right"
      size="min(900px, 65%)"
      title={
        image ? (
          <Text fw={600} ff="monospace">
            {imageTitle(image)}{' '}
            <Text span c="dimmed" size="xs">
              {shortId(image.id)}
            </Text>
          </Text>
        ) : null
      }
    >
      {image && (
        <Tabs
          key={image.id}
          value={tab}
          onChange={(value) => onTabChange(value === 'history' ? 'history' : 'details')}
          keepMounted={false}
        >
          <Tabs.List mb="sm">
            <Tabs.Tab value="details">Details</Tabs.Tab>
            <Tabs.Tab value="history">History</Tabs.Tab>
          </Tabs.List>
          <Tabs.Panel value="details">
            <DetailsTab id={image.id} />
          </Tabs.Panel>
          <Tabs.Panel value="history">
            <History id={image.id} />
          </Tabs.Panel>
        </Tabs>
      )}
    </Drawer>
  )
}
