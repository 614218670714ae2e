import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { EngineStatus, Endpoints } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { engineSection, SettingsPanel } from './SettingsPanel'

const system = {
  kind: 'socket' as const,
  address: 'unix:///var/run/docker.sock',
  source: 'system socket',
}
const desktop = {
  kind: 'socket' as const,
  address: 'unix:///home/me/.docker/run/docker.sock',
  source: 'Docker Desktop',
}
const endpoints: Endpoints = {
  current: system,
  chosen: null,
  candidates: [
    { endpoint: system, exists: true },
    { endpoint: desktop, exists: false },
  ],
}
const unreachable: EngineStatus = {
  state: 'unreachable',
  endpoint: { ...desktop, source: 'your setting' },
  error: 'No Docker engine socket at /home/me/.docker/run/docker.sock',
  checkedAt: 0,
}

function setup(answers: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({ 'engine:endpoints': () => endpoints, ...answers })
  renderWithClient(
    <EngineStatusProvider>
      <SettingsPanel sections={[engineSection]} />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return fake
}

describe('SettingsPanel', { timeout: 20_000 }, () => {
  it('shows the endpoint in use and every candidate, with which exist', async () => {
    setup()
    const table = await screen.findByRole('table', { name: 'Endpoint candidates' })
    expect(screen.getByTestId('endpoint-current')).toHaveTextContent('unix:///var/run/docker.sock')
    expect(screen.getByTestId('endpoint-current')).toHaveTextContent(
      'found automatically (system socket)',
    )
    expect(within(table).getByRole('radio', { name: system.address })).toBeChecked()
    expect(within(table).getByText('in use')).toBeInTheDocument()
    expect(within(table).getByText('not found')).toBeInTheDocument()
    expect(screen.getByRole('region', { name: 'Docker engine' })).toBeInTheDocument()
  })

  it('switches to a candidate and says when its engine does not answer', async () => {
    const { bridge } = setup({ 'engine:set-endpoint': () => unreachable })
    await screen.findByRole('table', { name: 'Endpoint candidates' })
    await userEvent.click(screen.getByRole('radio', { name: desktop.address }))
    await userEvent.click(screen.getByRole('button', { name: 'Use this endpoint' }))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('engine:set-endpoint', { address: desktop.address }),
    )
    expect(
      await screen.findByText('No Docker engine socket at /home/me/.docker/run/docker.sock'),
    ).toBeInTheDocument()
    expect(
      bridge.call.mock.calls.filter(([c]) => c === 'engine:endpoints').length,
    ).toBeGreaterThanOrEqual(2)
  })

  it('takes a typed address, and goes back to automatic discovery', async () => {
    const chosen = { kind: 'tcp' as const, address: 'tcp://10.0.0.5:2375', source: 'your setting' }
    let current: Endpoints = endpoints
    const { bridge } = setup({
      'engine:endpoints': () => current,
      'engine:set-endpoint': (input) => {
        const { address } = input as { address: string | null }
        current = address ? { ...endpoints, current: chosen, chosen } : endpoints
        return { state: 'connecting', endpoint: current.current }
      },
    })
    await screen.findByRole('table', { name: 'Endpoint candidates' })
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Endpoint address' }),
      'tcp://10.0.0.5:2375',
    )
    expect(screen.getByRole('radio', { name: 'Another address' })).toBeChecked()
    await userEvent.click(screen.getByRole('button', { name: 'Use this endpoint' }))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('engine:set-endpoint', {
        address: 'tcp://10.0.0.5:2375',
      }),
    )
    await waitFor(() =>
      expect(screen.getByTestId('endpoint-current')).toHaveTextContent('your choice'),
    )
    await userEvent.click(screen.getByRole('button', { name: 'Back to automatic discovery' }))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('engine:set-endpoint', { address: null }),
    )
    await waitFor(() =>
      expect(screen.getByTestId('endpoint-current')).toHaveTextContent('found automatically'),
    )
  })
})
