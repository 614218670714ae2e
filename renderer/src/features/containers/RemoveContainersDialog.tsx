import { useState } from 'react'
import { Alert, Checkbox, List, Text } from '@mantine/core'
import type { ContainerSummary } from '../../../../shared/contract'
import { ConfirmDialog } from '../../ui/ConfirmDialog'
import { isUp } from './container-filter'
import type { RemoveOptions } from './use-container-actions'

/** Asks before removing one or more containers, with force and remove-volumes choices. */
export function RemoveContainersDialog({
  targets,
  onRemove,
  onClose,
}: {
  targets: ContainerSummary[]
  /** Resolves true when every container went; the dialog stays open after a single failure. */
  onRemove: (options: RemoveOptions) => Promise<boolean>
  onClose: () => void
}) {
  const [force, setForce] = useState(false)
  const [volumes, setVolumes] = useState(false)
  const running = targets.filter((c) => isUp(c.state))
  const title =
    targets.length === 1 ? `Remove ${targets[0]!.name}?` : `Remove ${targets.length} containers?`
  return (
    <ConfirmDialog
      opened={targets.length > 0}
      title={title}
      confirmLabel="Remove"
      onClose={onClose}
      onConfirm={async () => {
        const ok = await onRemove({ force, volumes })
        if (!ok && targets.length === 1) throw new Error('kept open')
      }}
    >
      {targets.length > 1 && (
        <List size="sm" spacing={2} ff="monospace" mah={160} style={{ overflow: 'auto' }}>
          {targets.map((c) => (
            <List.Item key={c.id}>{c.name}</List.Item>
          ))}
        </List>
      )}
      <Text size="sm">
        The container and its writable layer are deleted. This cannot be undone.
      </Text>
      {running.length > 0 && !force && (
        <Alert color="yellow" p="xs" data-testid="remove-running-warning">
          {running.length === 1 && targets.length === 1
            ? 'It is running: '
            : `${running.length} of them are running: `}
          tick Force to stop and remove, or stop first.
        </Alert>
      )}
      <Checkbox
        label="Force (kill and remove running containers)"
        checked={force}
        onChange={(event) => setForce(event.currentTarget.checked)}
      />
      <Checkbox
        label="Also remove anonymous volumes"
        checked={volumes}
        onChange={(event) => setVolumes(event.currentTarget.checked)}
      />
    </ConfirmDialog>
  )
}
