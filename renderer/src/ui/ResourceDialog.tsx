import { useState, type ReactNode } from 'react'
import { Button, Group, Modal, Stack, Textarea, type ModalProps } from '@mantine/core'
import { ConfirmDialog } from './ConfirmDialog'
import { notifyError } from './notify'

/**
 * A create/edit form in a modal: Cancel and a submit button at the bottom. `onSubmit` returning a
 * promise keeps the submit button busy until it settles; the dialog closes when it resolves and
 * shows `errorTitle` with the error when it rejects. Returning nothing closes at once.
 */
export function ResourceFormDialog({
  opened,
  title,
  submitLabel,
  canSubmit = true,
  errorTitle,
  size,
  onSubmit,
  onClose,
  children,
}: {
  opened: boolean
  title: string
  submitLabel: string
  canSubmit?: boolean
  errorTitle?: string
  size?: ModalProps['size']
  onSubmit: () => Promise<unknown> | void
  onClose: () => void
  children: ReactNode
}) {
  const [busy, setBusy] = useState(false)
  const submit = () => {
    const pending = onSubmit()
    if (!pending) return onClose()
    setBusy(true)
    pending
      .then(() => onClose())
      .catch((error: unknown) => notifyError(errorTitle ?? `${title} failed`, error))
      .finally(() => setBusy(false))
  }
  return (
    <Modal opened={opened} onClose={onClose} title={title} size={size} centered>
      <form
        onSubmit={(event) => {
          event.preventDefault()
          submit()
        }}
      >
        <Stack gap="sm">
          {children}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={busy} disabled={!canSubmit}>
              {submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  )
}

/**
 * A remove or prune confirmation: `children` say what will be removed; `run` does it and reports
 * success. A failure shows `errorTitle` with the error and keeps the dialog open.
 */
export function ResourceConfirmDialog({
  opened,
  title,
  confirmLabel,
  errorTitle,
  run,
  onClose,
  children,
}: {
  opened: boolean
  title: string
  confirmLabel: string
  errorTitle: string
  run: () => Promise<unknown>
  onClose: () => void
  children: ReactNode
}) {
  return (
    <ConfirmDialog
      opened={opened}
      title={title}
      confirmLabel={confirmLabel}
      onClose={onClose}
      onConfirm={async () => {
        try {
          await run()
        } catch (error) {
          notifyError(errorTitle, error)
          throw error
        }
      }}
    >
      {children}
    </ConfirmDialog>
  )
}

/** `key=value` lines, one a line; `parseKeyValues` reads them. */
export function LabelsInput({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  return (
    <Textarea
      label="Labels"
      placeholder="team=mail"
      rows={3}
      ff="monospace"
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
  )
}
