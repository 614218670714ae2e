import { describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { VolumeSummary } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { VolumesPanel } from './VolumesPanel'

const volume = (overrides: Partial<VolumeSummary> & { name: string }): VolumeSummary => ({
  driver: 'local',
  mountpoint: `/var/lib/docker/volumes/${overrides.name}/_data`,
  scope: 'local',
  created: Date.now() - 60_000,
  labels: {},
  sizeBytes: 0,
  usedBy: [],
  ...overrides,
})
const data = volume({
  name: 'mail-data',
  sizeBytes: 5 * 1024 * 1024,
  usedBy: [{ id: 'c1', name: 'mail-logger', state: 'running' }],
})
const stale = volume({ name: 'stale-cache', sizeBytes: null })

function setup(answers: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({ 'volumes:list': () => ({ volumes: [data, stale] }), ...answers })
  renderWithClient(
    <EngineStatusProvider>
      <VolumesPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return fake
}

describe('VolumesPanel', { timeout: 20_000 }, () => {
  it('lists volumes with size and the containers using them', async () => {
    setup()
    const table = await screen.findByRole('table', { name: 'Volumes' })
    const rows = table.querySelectorAll('tr[data-row-key]')
    expect(rows[0]).toHaveTextContent('mail-data')
    expect(rows[0]).toHaveTextContent('5.0 MiB')
    expect(rows[0]).toHaveTextContent('mail-logger')
    expect(rows[1]).toHaveTextContent('unused')
    expect(rows[1]).toHaveTextContent('—')
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), {
      target: { value: 'is:unused' },
    })
    await waitFor(() => expect(table.querySelectorAll('tr[data-row-key]')).toHaveLength(1))
  })

  it('creates a volume with labels', async () => {
    const { bridge } = setup({ 'volumes:create': () => volume({ name: 'fresh' }) })
    await screen.findByRole('table', { name: 'Volumes' })
    await userEvent.click(screen.getByRole('button', { name: 'Create…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Create a volume' })
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Name' }), 'fresh')
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Labels' }), 'a=1')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('volumes:create', {
        driver: 'local',
        name: 'fresh',
        labels: { a: '1' },
      }),
    )
  })

  it('asks before removing, warns it is in use, and shows the refusal', async () => {
    const { bridge } = setup({
      'volumes:remove': () => {
        throw new Error('Volume mail-data is used by container(s) c1: remove them first.')
      },
    })
    await screen.findByRole('table', { name: 'Volumes' })
    await userEvent.click(screen.getByRole('button', { name: 'Remove mail-data' }))
    const dialog = await screen.findByRole('dialog', { name: 'Remove volume mail-data?' })
    expect(dialog).toHaveTextContent('Used by mail-logger')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(
      await screen.findByText('Volume mail-data is used by container(s) c1: remove them first.'),
    ).toBeInTheDocument()
    expect(bridge.call).toHaveBeenCalledWith('volumes:remove', { name: 'mail-data', force: false })
  })

  it('prunes and shows the space reclaimed', async () => {
    setup({ 'volumes:prune': () => ({ deleted: ['stale-cache'], reclaimedBytes: 2048 }) })
    await screen.findByRole('table', { name: 'Volumes' })
    await userEvent.click(screen.getByRole('button', { name: 'Prune…' }))
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Prune' }),
    )
    expect(await screen.findByText('Reclaimed 2.0 KiB')).toBeInTheDocument()
  })

  it('opens a volume’s details with Enter', async () => {
    setup({ 'volumes:inspect': () => ({ ...data, options: { type: 'none' } }) })
    await screen.findByRole('table', { name: 'Volumes' })
    document.querySelector<HTMLElement>('tr[data-row-key="mail-data"]')!.focus()
    await userEvent.keyboard('{Enter}')
    const details = await screen.findByTestId('volume-details')
    expect(details).toHaveTextContent('/var/lib/docker/volumes/mail-data/_data')
    expect(details).toHaveTextContent('mail-logger (running)')
  })
})
