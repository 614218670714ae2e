import { useState } from 'react'
import {
  Alert,
  Button,
  Checkbox,
  Group,
  Modal,
  Stack,
  Text,
  TextInput,
  Textarea,
} from '@mantine/core'
import type { VolumeSummary } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { formatBytes, parseKeyValues } from '../../ui/format'
import { notifyDone, notifyError } from '../../ui/notify'

export function CreateVolumeDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  const [name, setName] = useState('')
  const [driver, setDriver] = useState('local')
  const [labels, setLabels] = useState('')
  const [busy, setBusy] = useState(false)
  const submit = () => {
    setBusy(true)
    const parsed = parseKeyValues(labels)
    call('volumes:create', {
      driver: driver.trim() || 'local',
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(Object.keys(parsed).length ? { labels: parsed } : {}),
    })
      .then((volume) => {
        notifyDone('Volume created', volume.name)
        onClose()
      })
      .catch((error: unknown) => notifyError('Could not create the volume', error))
      .finally(() => setBusy(false))
  }
  return (
    <Modal opened={opened} onClose={onClose} title="Create a volume" centered>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          <TextInput
            label="Name"
            placeholder="left empty, the engine picks one"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            data-autofocus
          />
          <TextInput
            label="Driver"
            value={driver}
            onChange={(e) => setDriver(e.currentTarget.value)}
          />
          <Textarea
            label="Labels"
            placeholder="team=mail"

            rows={3}
            ff="monospace"
            value={labels}
            onChange={(e) => setLabels(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy}>
              Create
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

export function RemoveVolumeDialog({
  volume,
  onClose,
}: {
  volume: VolumeSummary | null
  onClose: () => void
}) {
  const { call } = useAction()
  const [force, setForce] = useState(false)
  return (
    <ConfirmDialog
      opened={volume !== null}
      title={volume ? `Remove volume ${volume.name}?` : ''}
      confirmLabel="Remove"
      onClose={onClose}
      onConfirm={async () => {
        if (!volume) return
        try {
          await call('volumes:remove', { name: volume.name, force })
          notifyDone('Volume removed', volume.name)
        } catch (error) {
          notifyError(`Could not remove ${volume.name}`, error)
          throw error
        }
      }}
    >
      <Text size="sm">
        Its data{volume?.sizeBytes ? ` (${formatBytes(volume.sizeBytes)})` : ''} is deleted. This
        cannot be undone.
      </Text>
      {volume && volume.usedBy.length > 0 && (
        <Alert color="yellow" p="xs">
          Used by {volume.usedBy.map((c) => c.name).join(', ')}: remove those containers first.
        </Alert>
      )}
      <Checkbox label="Force" checked={force} onChange={(e) => setForce(e.currentTarget.checked)} />
    </ConfirmDialog>
  )
}

export function PruneVolumesDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  return (
    <ConfirmDialog
      opened={opened}
      title="Prune volumes"
      confirmLabel="Prune"
      onClose={onClose}
      onConfirm={async () => {
        try {
          const result = await call('volumes:prune', {})
          notifyDone(
            `Reclaimed ${formatBytes(result.reclaimedBytes)}`,
            `${result.deleted.length} volumes removed`,
          )
        } catch (error) {
          notifyError('Could not prune volumes', error)
          throw error
        }
      }}
    >
      <Text size="sm">Removes every volume no container uses, and the data in it.</Text>
    </ConfirmDialog>
  )
}
