import { describe, expect, it } from 'vitest'
import { act, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { EngineStatus } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EnginePanel } from './EnginePanel'
import { EngineStatusProvider } from '../../transport/engine-status'

const endpoint = {
  kind: 'socket' as const,
  address: 'unix:///var/run/docker.sock',
  source: 'DOCKER_HOST',
}
const connected: EngineStatus = {
  state: 'connected',
  endpoint,
  checkedAt: 0,
  info: {
    version: '27.3.1',
    apiVersion: '1.47',
    os: 'Debian GNU/Linux 12',
    osType: 'linux',
    arch: 'x86_64',
    kernel: '6.1.0',
    cpus: 8,
    memoryBytes: 16 * 1024 ** 3,
    name: 'box',
    containers: { running: 3, paused: 1, stopped: 2, total: 6 },
    images: 12,
    volumes: 4,
    networks: 5,
  },
}
const unreachable: EngineStatus = {
  state: 'unreachable',
  endpoint,
  error: 'Connection refused at unix:///var/run/docker.sock: is the Docker engine running?',
  checkedAt: 0,
}

function setup(answers: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge(answers)
  renderWithClient(
    <EngineStatusProvider>
      <EnginePanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return fake
}

describe('EnginePanel', () => {
  it('says it is connecting before the first status arrives', () => {
    setup()
    expect(screen.getByTestId('engine-connecting')).toHaveTextContent(
      'Connecting to the Docker engine',
    )
  })

  it('shows version, endpoint and counts of a connected engine', () => {
    const { push } = setup()
    act(() => push('engine:changed', connected))
    expect(screen.getByTestId('engine-version')).toHaveTextContent('27.3.1')
    expect(screen.getByTestId('stat-containers')).toHaveTextContent('6')
    expect(screen.getByTestId('stat-running')).toHaveTextContent('3')
    expect(
      within(screen.getByTestId('engine-details')).getByText(endpoint.address),
    ).toBeInTheDocument()
    expect(screen.getByText('8 CPUs, 16 GiB')).toBeInTheDocument()
  })

  it('shows the unreachable state with the endpoint and error, and Retry asks main to reconnect', async () => {
    const { push, bridge } = setup({ 'engine:retry': () => connected })
    act(() => push('engine:changed', unreachable))
    const alert = screen.getByTestId('engine-unreachable')
    expect(alert).toHaveTextContent('unix:///var/run/docker.sock')
    expect(alert).toHaveTextContent('is the Docker engine running?')
    await userEvent.click(screen.getByRole('button', { name: 'Retry now' }))
    expect(bridge.call).toHaveBeenCalledWith('engine:retry', {})
    act(() => push('engine:changed', connected))
    expect(screen.queryByTestId('engine-unreachable')).not.toBeInTheDocument()
    expect(screen.getByTestId('engine-version')).toHaveTextContent('27.3.1')
  })

  it('shows a toast when Retry itself fails', async () => {
    const { push } = setup({
      'engine:retry': () => {
        throw new Error('socket hang up')
      },
    })
    act(() => push('engine:changed', unreachable))
    await userEvent.click(screen.getByRole('button', { name: 'Retry now' }))
    expect(await screen.findByText('socket hang up')).toBeInTheDocument()
  })
})
