import type { ReactElement } from 'react'
import { describe, expect, it, vi } from 'vitest'
import { render, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { MantineProvider } from '@mantine/core'
import { Notifications } from '@mantine/notifications'
import { ResourceConfirmDialog, ResourceFormDialog } from './ResourceDialog'

function renderInProviders(ui: ReactElement) {
  return render(
    <MantineProvider>
      <Notifications />
      {ui}
    </MantineProvider>,
  )
}

describe('ResourceFormDialog', () => {
  it('closes when the submit resolves', async () => {
    const onClose = vi.fn()
    renderInProviders(
      <ResourceFormDialog
        opened
        title="Create a thing"
        submitLabel="Create"
        errorTitle="Could not create the thing"
        onSubmit={() => Promise.resolve()}
        onClose={onClose}
      >
        <span>fields</span>
      </ResourceFormDialog>,
    )
    const dialog = await screen.findByRole('dialog', { name: 'Create a thing' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }))
    await waitFor(() => expect(onClose).toHaveBeenCalledTimes(1))
  })

  it('stays open and shows the error when the submit rejects', async () => {
    const onClose = vi.fn()
    renderInProviders(
      <ResourceFormDialog
        opened
        title="Create a thing"
        submitLabel="Create"
        errorTitle="Could not create the thing"
        onSubmit={() => Promise.reject(new Error('name already in use'))}
        onClose={onClose}
      >
        <span>fields</span>
      </ResourceFormDialog>,
    )
    const dialog = await screen.findByRole('dialog', { name: 'Create a thing' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }))
    expect(await screen.findByText('Could not create the thing')).toBeTruthy()
    expect(screen.getByText('name already in use')).toBeTruthy()
    expect(onClose).not.toHaveBeenCalled()
  })

  it('keeps the submit disabled while the form cannot be sent', async () => {
    renderInProviders(
      <ResourceFormDialog
        opened
        title="Create a thing"
        submitLabel="Create"
        canSubmit={false}
        onSubmit={() => undefined}
        onClose={() => undefined}
      >
        <span>fields</span>
      </ResourceFormDialog>,
    )
    const dialog = await screen.findByRole('dialog', { name: 'Create a thing' })
    expect(within(dialog).getByRole('button', { name: 'Create' }).hasAttribute('disabled')).toBe(
      true,
    )
  })
})

describe('ResourceConfirmDialog', () => {
  it('shows what will be removed, and the error when the removal fails', async () => {
    const onClose = vi.fn()
    renderInProviders(
      <ResourceConfirmDialog
        opened
        title="Prune things"
        confirmLabel="Prune"
        errorTitle="Could not prune things"
        run={() => Promise.reject(new Error('engine busy'))}
        onClose={onClose}
      >
        <span>Removes every unused thing.</span>
      </ResourceConfirmDialog>,
    )
    const dialog = await screen.findByRole('dialog', { name: 'Prune things' })
    expect(within(dialog).getByText('Removes every unused thing.')).toBeTruthy()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Prune' }))
    expect(await screen.findByText('Could not prune things')).toBeTruthy()
    expect(screen.getByText('engine busy')).toBeTruthy()
    expect(onClose).not.toHaveBeenCalled()
  })
})
