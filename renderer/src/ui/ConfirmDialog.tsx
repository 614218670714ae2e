import { useState, type ReactNode } from 'react'
import { Button, Group, Modal, Stack } from '@mantine/core'

/**
 * A confirmation with its own busy state: `onConfirm` runs the action; the dialog closes when it
 * resolves and stays open (the caller has shown why) when it rejects.
 */
export function ConfirmDialog({
  opened,
  title,
  confirmLabel,
  color = 'red',
  onConfirm,
  onClose,
  closeOnClickOutside = true,
  children,
}: {
  opened: boolean
  title: string
  confirmLabel: string
  color?: string
  onConfirm: () => Promise<unknown>
  onClose: () => void
  /** False for a dialog opened by a button a user may double-click: the second click lands outside. */
  closeOnClickOutside?: boolean
  children: ReactNode
}) {
  const [busy, setBusy] = useState(false)
  const confirm = () => {
    setBusy(true)
    onConfirm()
      .then(() => onClose())
      .catch(() => undefined)
      .finally(() => setBusy(false))
  }
  return (
    <Modal
      opened={opened}
      onClose={onClose}
      title={title}
      size="md"
      centered
      closeOnClickOutside={closeOnClickOutside}
    >
      <Stack gap="sm">
        {children}
        <Group justify="flex-end" gap="xs">
          <Button variant="default" onClick={onClose} disabled={busy}>
            Cancel
          </Button>
          <Button color={color} onClick={confirm} loading={busy} data-autofocus>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  )
}
