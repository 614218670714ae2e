import { describe, expect, it } from 'vitest'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ContainerSummary, EngineStatus } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { ContainersPanel } from './ContainersPanel'
import { api, broker, container, detailOf, listOf, oldJob, web } from './fixtures'

type Answers = Parameters<typeof fakeBridge>[0]

function setup(answers: Answers = {}, initial: ContainerSummary[] = [api, broker, web, oldJob]) {
  const state = { containers: initial }
  const fake = fakeBridge({
    'containers:list': () => listOf(state.containers),
    'containers:inspect': () => detailOf(api),
    ...answers,
  })
  renderWithClient(
    <EngineStatusProvider>
      <ContainersPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return { ...fake, state }
}

const rowNames = () =>
  [...document.querySelectorAll<HTMLElement>('tr[data-row-key]')].map(
    (row) => row.querySelectorAll('td')[1]?.textContent,
  )
const rowOf = (name: string) => {
  const row = [...document.querySelectorAll<HTMLElement>('tr[data-row-key]')].find(
    (r) => r.querySelectorAll('td')[1]?.textContent === name,
  )
  if (!row) throw new Error(`no row ${name}`)
  return row
}
const callsTo = (bridge: ReturnType<typeof fakeBridge>['bridge'], channel: string) =>
  bridge.call.mock.calls.filter(([c]) => c === channel).map(([, input]) => input)

describe('ContainersPanel', { timeout: 20_000 }, () => {
  it('shows a loading state, then the containers grouped by stack and compose project', async () => {
    setup()
    expect(screen.getByTestId('list-loading')).toHaveTextContent('Loading containers')
    await screen.findByRole('table', { name: 'Containers' })
    expect(screen.getByTestId('group-mail')).toHaveTextContent('stack')
    expect(screen.getByTestId('group-mail')).toHaveTextContent('2/2 running')
    expect(screen.getByTestId('group-shop')).toHaveTextContent('compose')
    expect(rowNames()).toEqual(['mail-api', 'mail-broker', 'shop-web', 'old-job'])
    const apiRow = rowOf('mail-api')
    expect(within(apiRow).getByRole('link', { name: '127.0.0.1:5001→3000' })).toHaveAttribute(
      'href',
      'http://127.0.0.1:5001',
    )
    expect(within(apiRow).getByText('healthy')).toBeInTheDocument()
    expect(within(rowOf('old-job')).getByText('exited')).toBeInTheDocument()
    expect(screen.getByTestId('panel-count')).toHaveTextContent('4')
  })

  it('filters by words, image:, label:, status: and the running toggle', async () => {
    setup()
    await screen.findByRole('table', { name: 'Containers' })
    await userEvent.click(screen.getByRole('switch', { name: 'Group by project' }))
    const filter = screen.getByRole('textbox', { name: 'Filter' })
    const show = (text: string) => fireEvent.change(filter, { target: { value: text } })

    show('image:rabbit')
    await waitFor(() => expect(rowNames()).toEqual(['mail-broker']))
    expect(screen.getByTestId('panel-count')).toHaveTextContent('1 of 4')

    show('label:com.docker.compose.project=shop')
    await waitFor(() => expect(rowNames()).toEqual(['shop-web']))

    show('status:exited')
    await waitFor(() => expect(rowNames()).toEqual(['old-job']))

    show('nothing-like-this')
    await waitFor(() => expect(screen.getByTestId('table-no-match')).toBeInTheDocument())

    show('')
    await userEvent.type(filter, 'mail')
    await waitFor(() => expect(rowNames()).toEqual(['mail-api', 'mail-broker']))

    show('')
    await userEvent.click(screen.getByText('Running'))
    await waitFor(() => expect(rowNames()).not.toContain('old-job'))
    expect(rowNames()).toHaveLength(3)
  })

  it('sorts by a column and flips direction on a second click', async () => {
    setup()
    await screen.findByRole('table', { name: 'Containers' })
    await userEvent.click(screen.getByRole('switch', { name: 'Group by project' }))
    expect(rowNames()).toEqual(['mail-api', 'mail-broker', 'old-job', 'shop-web'])
    await userEvent.click(screen.getByRole('button', { name: /Name/ }))
    expect(rowNames()).toEqual(['shop-web', 'old-job', 'mail-broker', 'mail-api'])
    await userEvent.click(screen.getByRole('button', { name: /State/ }))
    expect(rowNames().at(-1)).toBe('old-job')
  })

  it('shows the engine error and a link to the Engine panel when the engine is unreachable, never a table', async () => {
    const { push } = setup()
    await screen.findByRole('table', { name: 'Containers' })
    const unreachable: EngineStatus = {
      state: 'unreachable',
      endpoint: { kind: 'socket', address: 'unix:///var/run/docker.sock', source: 'system socket' },
      error: 'Connection refused: is the Docker engine running?',
      checkedAt: 0,
    }
    act(() => push('engine:changed', unreachable))
    const alert = screen.getByTestId('list-engine-unreachable')
    expect(alert).toHaveTextContent('Connection refused: is the Docker engine running?')
    expect(within(alert).getByRole('link', { name: 'Open the Engine panel' })).toHaveAttribute(
      'href',
      '#/engine',
    )
    expect(screen.queryByRole('table', { name: 'Containers' })).not.toBeInTheDocument()
  })

  it('shows a load error with its message and retries on demand', async () => {
    let fail = true
    const { bridge } = setup({
      'containers:list': () => {
        if (fail) throw new Error('The engine answered 500: try again')
        return listOf([api])
      },
    })
    expect(await screen.findByTestId('list-error')).toHaveTextContent(
      'The engine answered 500: try again',
    )
    fail = false
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    await screen.findByRole('table', { name: 'Containers' })
    expect(callsTo(bridge, 'containers:list')).toHaveLength(2)
  })

  it('keeps the last list on screen when a reload fails, with the reason', async () => {
    let fail = false
    const { push } = setup({
      'containers:list': () => {
        if (fail) throw new Error('Timed out talking to the engine')
        return listOf([api, oldJob])
      },
    })
    await screen.findByRole('table', { name: 'Containers' })
    fail = true
    act(() =>
      push('docker:event', {
        events: [{ type: 'container', action: 'die', id: api.id, attributes: {}, time: 0 }],
        dropped: 0,
      }),
    )
    expect(await screen.findByTestId('list-stale')).toHaveTextContent(
      'Could not refresh: Timed out talking to the engine',
    )
    expect(rowNames()).toEqual(['mail-api', 'old-job'])
  })

  it('says so when there are no containers at all', async () => {
    setup({}, [])
    expect(await screen.findByTestId('list-empty')).toHaveTextContent('No containers')
  })

  it('reloads in place when the engine reports a container event', async () => {
    const { push, state } = setup()
    await screen.findByRole('table', { name: 'Containers' })
    state.containers = [...state.containers, container({ name: 'fresh-one' })]
    act(() =>
      push('docker:event', {
        events: [{ type: 'container', action: 'start', id: 'x', attributes: {}, time: 0 }],
        dropped: 0,
      }),
    )
    await waitFor(() => expect(rowNames()).toContain('fresh-one'))
  })

  it('asks before removing, warns about a running container, and sends force and volumes', async () => {
    const { bridge } = setup({ 'containers:remove': () => ({ ok: true }) })
    await screen.findByRole('table', { name: 'Containers' })
    await userEvent.click(screen.getByRole('button', { name: 'Actions for mail-api' }))
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Remove…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Remove mail-api?' })
    expect(within(dialog).getByTestId('remove-running-warning')).toHaveTextContent('It is running')
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /Force/ }))
    expect(within(dialog).queryByTestId('remove-running-warning')).not.toBeInTheDocument()
    await userEvent.click(within(dialog).getByRole('checkbox', { name: /anonymous volumes/ }))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    await waitFor(() =>
      expect(callsTo(bridge, 'containers:remove')).toEqual([
        { id: api.id, force: true, volumes: true },
      ]),
    )
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())
  })

  it('keeps the dialog open and shows main’s message when removal is refused', async () => {
    setup({
      'containers:remove': () => {
        throw new Error(
          'Container 0123456789ab is running: stop it first, or remove it with force.',
        )
      },
    })
    await screen.findByRole('table', { name: 'Containers' })
    await userEvent.click(screen.getByRole('button', { name: 'Actions for mail-api' }))
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Remove…' }))
    const dialog = await screen.findByRole('dialog')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(
      await screen.findByText(
        'Container 0123456789ab is running: stop it first, or remove it with force.',
      ),
    ).toBeInTheDocument()
    expect(screen.getByText('Could not remove mail-api')).toBeInTheDocument()
    expect(screen.getByRole('dialog')).toBeInTheDocument()
  })

  it('runs a bulk action on the selection and reports the ones that failed', async () => {
    const { bridge } = setup({
      'containers:bulk': (input) => {
        const { ids } = input as { ids: string[] }
        return {
          results: ids.map((id) =>
            id === broker.id
              ? {
                  id,
                  ok: false,
                  error: { code: 'CONFLICT', message: 'is paused: unpause it first' },
                }
              : { id, ok: true },
          ),
        }
      },
    })
    await screen.findByRole('table', { name: 'Containers' })
    await userEvent.click(within(rowOf('mail-api')).getByRole('checkbox'))
    await userEvent.click(within(rowOf('mail-broker')).getByRole('checkbox'))
    const bar = screen.getByTestId('bulk-bar')
    expect(bar).toHaveTextContent('2 selected')
    await userEvent.click(within(bar).getByRole('button', { name: 'Stop' }))
    await waitFor(() =>
      expect(callsTo(bridge, 'containers:bulk')).toEqual([
        { ids: [api.id, broker.id], action: 'stop', force: false, volumes: false },
      ]),
    )
    expect(await screen.findByText('Could not stop 1 of 2 containers')).toBeInTheDocument()
    expect(screen.getByText('mail-broker: is paused: unpause it first')).toBeInTheDocument()
  })

  it('starts a stopped container from its row button', async () => {
    const { bridge } = setup({ 'containers:start': () => ({ ok: true }) })
    await screen.findByRole('table', { name: 'Containers' })
    await userEvent.click(screen.getByRole('button', { name: 'Start old-job' }))
    await waitFor(() => expect(callsTo(bridge, 'containers:start')).toEqual([{ id: oldJob.id }]))
  })

  it('opens details with Enter, asks to remove with Delete, and focuses the filter with /', async () => {
    const { bridge } = setup()
    await screen.findByRole('table', { name: 'Containers' })
    const row = rowOf('mail-api')
    row.focus()
    await userEvent.keyboard('{Enter}')
    expect(await screen.findByTestId('container-inspect')).toBeInTheDocument()
    expect(callsTo(bridge, 'containers:inspect')).toEqual([{ id: api.id }])
    await userEvent.keyboard('{Escape}')
    await waitFor(() => expect(screen.queryByTestId('container-inspect')).not.toBeInTheDocument())

    rowOf('old-job').focus()
    await userEvent.keyboard('{Delete}')
    expect(await screen.findByRole('dialog', { name: 'Remove old-job?' })).toBeInTheDocument()
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).not.toBeInTheDocument())

    document.body.focus()
    await userEvent.keyboard('/')
    expect(screen.getByRole('textbox', { name: 'Filter' })).toHaveFocus()
  })
})
