import { afterEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { notifications } from '@mantine/notifications'
import type { StackStatus } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { absentStatus, instance, operation, result, service, stackStatus } from './fixtures'
import { StackPanel } from './StackPanel'

type Answers = Parameters<typeof fakeBridge>[0]

function setup(answers: Answers = {}, status: StackStatus | null = stackStatus()) {
  const fake = fakeBridge({
    'stack:service-action': () => result(operation({ state: 'succeeded', summary: 'stopped 1' })),
    'stack:restart': () => result(operation({ state: 'succeeded', summary: 'restarted' })),
    'stack:scale': () => result(operation({ state: 'succeeded', summary: 'scaled emailer to 3' })),
    'stack:down': () => result(operation({ state: 'succeeded', summary: 'removed 6' })),
    ...answers,
  })
  renderWithClient(
    <EngineStatusProvider>
      <StackPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  if (status) act(() => fake.push('stack:changed', status))
  return fake
}

const rowOf = (key: string) => {
  const row = document.querySelector<HTMLElement>(`tr[data-row-key="${key}"]`)
  if (!row) throw new Error(`no row ${key}`)
  return row
}
const callsTo = (bridge: ReturnType<typeof fakeBridge>['bridge'], channel: string) =>
  bridge.call.mock.calls.filter(([c]) => c === channel).map(([, input]) => input)

// Toasts live in a module-wide store: earlier tests' toasts would queue this test's behind them.
afterEach(() => {
  notifications.clean()
  notifications.cleanQueue()
})

describe('StackPanel', { timeout: 20_000 }, () => {
  it('is loading until the first status, then lists every service with its status', async () => {
    const fake = setup({}, null)
    expect(screen.getByTestId('list-loading')).toHaveTextContent('Loading the stack')
    act(() => fake.push('stack:changed', stackStatus()))
    await screen.findByRole('table', { name: 'Stack services' })
    expect(screen.getByTestId('stack-state')).toHaveTextContent('Running')
    expect(screen.getByTestId('panel-count')).toHaveTextContent('5/5')
    const api = rowOf('api')
    expect(within(api).getByRole('link', { name: '5001→3000' })).toHaveAttribute(
      'href',
      'http://127.0.0.1:5001',
    )
    expect(within(api).getByText('healthy')).toBeInTheDocument()
    expect(within(api).getByText('5 min')).toBeInTheDocument()
    expect(within(api).getByText('2')).toBeInTheDocument()
    // AMQP is not a web page: text, not a link.
    const broker = rowOf('broker')
    expect(within(broker).getByText('5672→5672').tagName).toBe('SPAN')
    expect(within(broker).getByRole('link', { name: '15672→15672' })).toBeTruthy()
    expect(within(rowOf('emailer')).getByRole('textbox', { name: 'Emailer replicas' })).toHaveValue(
      '2',
    )
    // The links bar: API health, the catcher's and the broker's UIs, all on 127.0.0.1.
    const links = screen.getByTestId('stack-links')
    expect(within(links).getByRole('link', { name: /^Open API at / })).toHaveAttribute(
      'href',
      'http://127.0.0.1:5001/health',
    )
    for (const link of within(links).getAllByRole('link')) {
      expect(link.getAttribute('href')).toMatch(/^http:\/\/127\.0\.0\.1:\d+/)
      expect(link).toHaveAttribute('target', '_blank')
      expect(link).toHaveAttribute('rel', 'noreferrer')
    }
  })

  it('stops, starts and restarts a service, and opens its logs', async () => {
    const fake = setup()
    await screen.findByRole('table', { name: 'Stack services' })
    await userEvent.click(within(rowOf('logger')).getByRole('button', { name: 'Stop Logger' }))
    await waitFor(() =>
      expect(callsTo(fake.bridge, 'stack:service-action')).toEqual([
        { service: 'logger', action: 'stop' },
      ]),
    )
    expect(await screen.findByText('Stop logger')).toBeInTheDocument()

    // The status reports it stopped: the row offers Start.
    const stopped = stackStatus({ state: 'partial' })
    stopped.services = stopped.services.map((s) =>
      s.service === 'logger'
        ? service('logger', {
            state: 'stopped',
            health: 'none',
            instances: [instance('logger', { state: 'exited', exitCode: 0, startedAt: null })],
          })
        : s,
    )
    act(() => fake.push('stack:changed', stopped))
    expect(within(rowOf('logger')).getByTestId('state-logger')).toHaveTextContent('stopped')
    expect(within(rowOf('logger')).getByText('exit 0')).toBeInTheDocument()
    expect(screen.getByTestId('stack-state')).toHaveTextContent('Partly running')
    await userEvent.click(within(rowOf('logger')).getByRole('button', { name: 'Start Logger' }))
    await waitFor(() =>
      expect(callsTo(fake.bridge, 'stack:service-action')).toContainEqual({
        service: 'logger',
        action: 'start',
      }),
    )

    await userEvent.click(within(rowOf('api')).getByRole('button', { name: 'Restart API' }))
    await waitFor(() => expect(callsTo(fake.bridge, 'stack:restart')).toEqual([{ service: 'api' }]))

    await userEvent.click(within(rowOf('emailer')).getByRole('button', { name: 'Logs of Emailer' }))
    expect(await screen.findByText('Emailer logs')).toBeInTheDocument()
    await waitFor(() =>
      expect(fake.bridge.subscribe.mock.calls.filter(([e]) => e === 'stack:logs')).toHaveLength(1),
    )
    act(() =>
      fake.push('stack:logs', {
        lines: [
          {
            instance: 'maildock-emailer-2',
            stream: 'stdout',
            time: '2024-05-01T10:00:00Z',
            text: 'sent 42',
          },
        ],
        dropped: 0,
      }),
    )
    expect(await screen.findByText(/maildock-emailer-2 \| sent 42/)).toBeInTheDocument()
  })

  it('scales the emailer from the replicas input', async () => {
    const fake = setup()
    await screen.findByRole('table', { name: 'Stack services' })
    const input = within(rowOf('emailer')).getByRole('textbox', { name: 'Emailer replicas' })
    fireEvent.change(input, { target: { value: '3' } })
    await userEvent.click(within(rowOf('emailer')).getByRole('button', { name: 'Scale' }))
    await waitFor(() =>
      expect(callsTo(fake.bridge, 'stack:scale')).toEqual([{ service: 'emailer', replicas: 3 }]),
    )
  })

  it('stops the stack, and removes volumes only after naming them', async () => {
    const fake = setup()
    await screen.findByRole('table', { name: 'Stack services' })
    await userEvent.click(screen.getByTestId('stack-stop'))
    const dialog = await screen.findByRole('dialog', { name: 'Stop the stack?' })
    expect(dialog).toHaveTextContent('volumes')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Stop' }))
    await waitFor(() => expect(callsTo(fake.bridge, 'stack:down')).toEqual([{ volumes: false }]))

    const more = screen.getByRole('button', { name: 'More stop options' })
    await waitFor(() => expect(more).toBeEnabled())
    await userEvent.click(more)
    await userEvent.click(await screen.findByRole('menuitem', { name: /Stop and remove volumes/ }))
    const danger = await screen.findByRole('dialog', {
      name: 'Stop the stack and delete its volumes?',
    })
    expect(danger).toHaveTextContent('maildock-logger-data')
    expect(danger).toHaveTextContent('maildock-emailer-ledger')
    await userEvent.click(within(danger).getByRole('button', { name: 'Cancel' }))
    expect(callsTo(fake.bridge, 'stack:down')).toEqual([{ volumes: false }])
  })

  it('invites to start a stack that does not exist', async () => {
    const fake = setup(
      { 'stack:up': () => result(operation({ state: 'succeeded' })) },
      absentStatus(),
    )
    expect(await screen.findByTestId('stack-absent')).toHaveTextContent('not created yet')
    expect(screen.getByTestId('stack-state')).toHaveTextContent('Not created')
    expect(screen.getByTestId('stack-links-none')).toBeInTheDocument()
    expect(within(rowOf('logger')).getByRole('button', { name: 'Start Logger' })).toBeDisabled()
    await userEvent.click(screen.getByRole('button', { name: 'Start the stack' }))
    await waitFor(() => expect(callsTo(fake.bridge, 'stack:up')).toHaveLength(1))
  })

  it('shows the engine error and the way to the Engine panel, not an empty stack', async () => {
    setup(
      {},
      stackStatus({
        state: 'unknown',
        engine: { state: 'unreachable', error: 'connect ENOENT /var/run/docker.sock' },
        services: [],
      }),
    )
    const alert = await screen.findByTestId('list-engine-unreachable')
    expect(alert).toHaveTextContent('connect ENOENT /var/run/docker.sock')
    expect(within(alert).getByRole('link', { name: 'Open the Engine panel' })).toHaveAttribute(
      'href',
      '#/engine',
    )
    expect(screen.queryByRole('table', { name: 'Stack services' })).not.toBeInTheDocument()
    expect(screen.getByTestId('stack-start')).toBeDisabled()
  })

  it('labels Start "Apply changes" when a service runs outdated settings', async () => {
    const status = stackStatus()
    status.services = status.services.map((s) =>
      s.service === 'api'
        ? { ...s, instances: s.instances.map((i) => ({ ...i, upToDate: false })) }
        : s,
    )
    setup({}, status)
    await screen.findByRole('table', { name: 'Stack services' })
    expect(within(rowOf('api')).getByText('outdated')).toBeInTheDocument()
    expect(screen.getByTestId('stack-start')).toHaveTextContent('Apply changes')
  })

  it('copies the generated broker login for the management UI', async () => {
    const writeText = vi.fn(() => Promise.resolve())
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true })
    const fake = setup({
      'stack:export': () => ({
        compose: 'services: {}',
        env: '# password of the broker user maildock\nMAILDOCK_BROKER_PASSWORD=pa55-w0rd\n',
        variables: [
          {
            name: 'MAILDOCK_BROKER_PASSWORD',
            secret: true,
            description: 'password of the broker user maildock',
          },
        ],
        project: 'maildock',
        warnings: [],
      }),
    })
    await screen.findByTestId('stack-links')
    await userEvent.click(screen.getByRole('button', { name: 'Copy login' }))
    await waitFor(() => expect(writeText).toHaveBeenCalledWith('pa55-w0rd'))
    expect(callsTo(fake.bridge, 'stack:export')).toEqual([{ includeSecrets: true }])
    expect(await screen.findByText('Log in to the management UI as "maildock".')).toBeTruthy()
  })
})
