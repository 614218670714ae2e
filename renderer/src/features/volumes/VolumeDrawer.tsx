import { Drawer, Stack, Text } from '@mantine/core'
import { formatBytes, formatTime } from '../../ui/format'
import { KeyValueTable } from '../../ui/KeyValueTable'
import { ListStates } from '../../ui/ListStates'
import { useLiveList } from '../../transport/live-list'

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

export function VolumeDrawer({ name, onClose }: { name: string | null; onClose: () => void }) {
  return (
    <Drawer
      opened={name !== null}
      onClose={onClose}
      position="right"
      size="min(760px, 55%)"
      title={
        <Text fw={600} ff="monospace">
          {name}
        </Text>
      }
    >
      {name && <VolumeDetail key={name} name={name} />}
    </Drawer>
  )
}
