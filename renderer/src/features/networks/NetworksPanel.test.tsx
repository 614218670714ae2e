import { describe, expect, it } from 'vitest'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { NetworkDetail, NetworkSummary } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { NetworksPanel } from './NetworksPanel'

const network = (overrides: Partial<NetworkSummary> & { name: string }): NetworkSummary => ({
  id: `${overrides.name}`.padEnd(64, 'f'),
  driver: 'bridge',
  scope: 'local',
  internal: false,
  attachable: false,
  subnets: [],
  labels: {},
  created: Date.now() - 60_000,
  builtIn: false,
  containerCount: 0,
  ...overrides,
})
const bridgeNet = network({ name: 'bridge', builtIn: true, subnets: [{ subnet: '172.17.0.0/16' }] })
const mailNet = network({
  name: 'mail-net',
  subnets: [{ subnet: '172.30.0.0/24', gateway: '172.30.0.1' }],
  containerCount: 1,
  labels: { 'maildock.stack': 'mail' },
})
const detail: NetworkDetail = {
  ...mailNet,
  options: { 'com.docker.network.bridge.name': 'br-mail' },
  containers: [
    {
      id: 'c1'.padEnd(64, '0'),
      name: 'mail-api',
      ipv4Address: '172.30.0.5/24',
      macAddress: '02:42:ac:1e:00:05',
    },
  ],
}

function setup(answers: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({
    'networks:list': () => ({ networks: [bridgeNet, mailNet] }),
    'networks:inspect': () => detail,
    'containers:list': () => ({ containers: [], groups: [] }),
    ...answers,
  })
  renderWithClient(
    <EngineStatusProvider>
      <NetworksPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return fake
}

describe('NetworksPanel', { timeout: 20_000 }, () => {
  it('lists networks with subnets and counts; the engine’s own cannot be removed', async () => {
    setup()
    const table = await screen.findByRole('table', { name: 'Networks' })
    expect(table).toHaveTextContent('172.30.0.0/24')
    expect(within(table).getByText('built-in')).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Remove bridge' })).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Remove mail-net' })).toBeInTheDocument()
  })

  it('creates a network with driver, subnet, internal and labels', async () => {
    const { bridge } = setup({ 'networks:create': () => ({ ...mailNet, name: 'new-net' }) })
    await screen.findByRole('table', { name: 'Networks' })
    await userEvent.click(screen.getByRole('button', { name: 'Create…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Create a network' })
    await userEvent.type(within(dialog).getByRole('textbox', { name: /Name/ }), 'new-net')
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Subnet' }), '10.9.0.0/24')
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Internal/ }))
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Labels' }), 'team=mail')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Create' }))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('networks:create', {
        name: 'new-net',
        driver: 'bridge',
        internal: true,
        attachable: false,
        subnet: '10.9.0.0/24',
        labels: { team: 'mail' },
      }),
    )
    expect(await screen.findByText('Network created')).toBeInTheDocument()
  })

  it('shows connected containers in the details and disconnects one', async () => {
    const { bridge } = setup({ 'networks:disconnect': () => ({ ok: true }) })
    await screen.findByRole('table', { name: 'Networks' })
    await userEvent.click(screen.getByText('mail-net'))
    const connected = await screen.findByRole('table', { name: 'Connected containers' })
    expect(connected).toHaveTextContent('172.30.0.5/24')
    await userEvent.click(within(connected).getByRole('button', { name: 'Disconnect mail-api' }))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('networks:disconnect', {
        id: mailNet.id,
        container: detail.containers[0]!.id,
      }),
    )
  })

  it('shows the engine’s refusal to remove a network in use as a toast', async () => {
    setup({
      'networks:remove': () => {
        throw new Error(
          'Network mail-net still has containers attached: disconnect or remove them first.',
        )
      },
    })
    await screen.findByRole('table', { name: 'Networks' })
    await userEvent.click(screen.getByRole('button', { name: 'Remove mail-net' }))
    const dialog = await screen.findByRole('dialog', { name: 'Remove network mail-net?' })
    expect(dialog).toHaveTextContent('1 container(s) are attached')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(
      await screen.findByText(
        'Network mail-net still has containers attached: disconnect or remove them first.',
      ),
    ).toBeInTheDocument()
  })

  it('prunes and names what it removed', async () => {
    setup({ 'networks:prune': () => ({ deleted: ['old-a', 'old-b'] }) })
    await screen.findByRole('table', { name: 'Networks' })
    await userEvent.click(screen.getByRole('button', { name: 'Prune…' }))
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', { name: 'Prune' }),
    )
    expect(await screen.findByText('Removed 2 networks')).toBeInTheDocument()
    expect(screen.getByText('old-a, old-b')).toBeInTheDocument()
  })
})
