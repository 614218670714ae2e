import { useState } from 'react'
import { Alert, Checkbox, Text, TextInput } from '@mantine/core'
import type { VolumeSummary } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'
import { formatBytes, parseKeyValues } from '../../ui/format'
import { notifyDone } from '../../ui/notify'
import { LabelsInput, ResourceConfirmDialog, ResourceFormDialog } from '../../ui/ResourceDialog'

export function CreateVolumeDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  const [name, setName] = useState('')
  const [driver, setDriver] = useState('local')
  const [labels, setLabels] = useState('')
  const submit = async () => {
    const parsed = parseKeyValues(labels)
    const volume = await call('volumes:create', {
      driver: driver.trim() || 'local',
      ...(name.trim() ? { name: name.trim() } : {}),
      ...(Object.keys(parsed).length ? { labels: parsed } : {}),
    })
    notifyDone('Volume created', volume.name)
  }
  return (
    <ResourceFormDialog
      opened={opened}
      title="Create a volume"
      submitLabel="Create"
      errorTitle="Could not create the volume"
      onSubmit={submit}
      onClose={onClose}
    >
      <TextInput
        label="Name"
        placeholder="left empty, the engine picks one"
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
        data-autofocus
      />
      <TextInput label="Driver" value={driver} onChange={(e) => setDriver(e.currentTarget.value)} />
      <LabelsInput value={labels} onChange={setLabels} />
    </ResourceFormDialog>
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
    <ResourceConfirmDialog
      opened={volume !== null}
      title={volume ? `Remove volume ${volume.name}?` : ''}
      confirmLabel="Remove"
      errorTitle={`Could not remove ${volume?.name ?? ''}`}
      onClose={onClose}
      run={async () => {
        if (!volume) return
        await call('volumes:remove', { name: volume.name, force })
        notifyDone('Volume removed', volume.name)
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
    </ResourceConfirmDialog>
  )
}

export function PruneVolumesDialog({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const { call } = useAction()
  return (
    <ResourceConfirmDialog
      opened={opened}
      title="Prune volumes"
      confirmLabel="Prune"
      errorTitle="Could not prune volumes"
      onClose={onClose}
      run={async () => {
        const result = await call('volumes:prune', {})
        notifyDone(
          `Reclaimed ${formatBytes(result.reclaimedBytes)}`,
          `${result.deleted.length} volumes removed`,
        )
      }}
    >
      <Text size="sm">Removes every volume no container uses, and the data in it.</Text>
    </ResourceConfirmDialog>
  )
}
