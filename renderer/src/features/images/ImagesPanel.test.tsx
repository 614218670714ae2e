import { describe, expect, it } from 'vitest'
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {
  BuildOutput,
  ImageSummary,
  PullProgress,
  StreamMessage,
} from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { ImagesPanel } from './ImagesPanel'

// One time for all: the default sort is by creation, so fixtures made a millisecond apart reorder.
const anHourAgo = Date.now() - 3_600_000

const image = (overrides: Partial<ImageSummary> & { id: string }): ImageSummary => ({
  tags: [],
  digests: [],
  sizeBytes: 100 * 1024 * 1024,
  created: anHourAgo,
  labels: {},
  dangling: false,
  usedBy: [],
  ...overrides,
})

const node = image({
  id: 'sha256:1111111111111111aaaa',
  tags: ['maildock/node:local', 'maildock/node:20'],
  usedBy: [{ id: 'c1', name: 'mail-api', state: 'running' }],
})
const base = image({ id: 'sha256:2222222222222222bbbb', tags: ['maildock/debian-base:local'] })
const leftover = image({ id: 'sha256:3333333333333333cccc', dangling: true })

function setup(answers: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({ 'images:list': () => ({ images: [node, base, leftover] }), ...answers })
  const unsubscribed: string[] = []
  const subscribe = fake.bridge.subscribe.getMockImplementation()!
  fake.bridge.subscribe.mockImplementation(
    (event: string, input: unknown, onMessage: (m: StreamMessage) => void) => {
      const off = subscribe(event, input, onMessage)
      return () => {
        unsubscribed.push(event)
        return off()
      }
    },
  )
  renderWithClient(
    <EngineStatusProvider>
      <ImagesPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return { ...fake, unsubscribed }
}

const rowTags = () =>
  [...document.querySelectorAll<HTMLElement>('tr[data-row-key]')].map(
    (row) => row.querySelectorAll('td')[0]?.textContent,
  )

const progress = (overrides: Partial<PullProgress> = {}): PullProgress => ({
  ref: '127.0.0.1:5000/alpine:3',
  status: 'Pulling from alpine',
  startedAt: Date.now(),
  done: false,
  layers: [
    { id: 'aaaaaaaaaaaa', status: 'Downloading', current: 512, total: 2048, done: false },
    { id: 'bbbbbbbbbbbb', status: 'Pull complete', done: true },
  ],
  ...overrides,
})

describe('ImagesPanel', { timeout: 20_000 }, () => {
  it('lists tags, short ids, sizes and the containers using each image', async () => {
    setup()
    await screen.findByRole('table', { name: 'Images' })
    expect(rowTags()).toEqual(['maildock/node:local+1', 'maildock/debian-base:local', '<none>'])
    const first = document.querySelector('tr[data-row-key]')!
    expect(first).toHaveTextContent('111111111111')
    expect(first).toHaveTextContent('100 MiB')
    expect(first).toHaveTextContent('mail-api')
    expect(screen.getByText('300 MiB in total')).toBeInTheDocument()
  })

  it('filters with words and is:dangling / is:unused', async () => {
    setup()
    await screen.findByRole('table', { name: 'Images' })
    const filter = screen.getByRole('textbox', { name: 'Filter' })
    fireEvent.change(filter, { target: { value: 'is:dangling' } })
    await waitFor(() => expect(rowTags()).toEqual(['<none>']))
    fireEvent.change(filter, { target: { value: 'is:unused debian' } })
    await waitFor(() => expect(rowTags()).toEqual(['maildock/debian-base:local']))
    fireEvent.change(filter, { target: { value: 'mail-api' } })
    await waitFor(() => expect(rowTags()).toEqual(['maildock/node:local+1']))
  })

  it('pulls with a progress bar per layer, and Cancel unsubscribes (which aborts in main)', async () => {
    const { push, bridge, unsubscribed } = setup()
    await screen.findByRole('table', { name: 'Images' })
    await userEvent.type(
      screen.getByRole('textbox', { name: 'Image to pull' }),
      '127.0.0.1:5000/alpine:3',
    )
    await userEvent.click(screen.getByRole('button', { name: 'Pull' }))
    expect(bridge.subscribe).toHaveBeenCalledWith(
      'images:pull',
      { ref: '127.0.0.1:5000/alpine:3' },
      expect.any(Function),
    )
    act(() => push('images:pull', progress()))
    const card = screen.getByRole('region', { name: 'Pull 127.0.0.1:5000/alpine:3' })
    expect(within(card).getByTestId('pull-status')).toHaveTextContent(
      'Pulling from alpine · 1/2 layers',
    )
    expect(within(card).getByRole('progressbar', { name: 'Layer aaaaaaaaaaaa' })).toHaveAttribute(
      'aria-valuenow',
      '25',
    )
    expect(within(card).getByRole('progressbar', { name: 'Layer bbbbbbbbbbbb' })).toHaveAttribute(
      'aria-valuenow',
      '100',
    )
    expect(within(card).getByTestId('layer-aaaaaaaaaaaa')).toHaveTextContent('512 B / 2.0 KiB')
    await userEvent.click(within(card).getByRole('button', { name: 'Cancel' }))
    expect(unsubscribed).toContain('images:pull')
    expect(card).toHaveTextContent('cancelled')
    expect(within(card).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument()
  })

  it('ends a pull as done, or as failed with main’s message (no stuck bar)', async () => {
    const { push, bridge } = setup()
    await screen.findByRole('table', { name: 'Images' })
    const input = screen.getByRole('textbox', { name: 'Image to pull' })
    await userEvent.type(input, 'good:1{Enter}')
    act(() =>
      push(
        'images:pull',
        progress({ ref: 'good:1', done: true, status: 'Status: Downloaded newer image' }),
      ),
    )
    const good = screen.getByRole('region', { name: 'Pull good:1' })
    expect(good).toHaveTextContent('done')
    expect(await screen.findByText('Pull of good:1 finished')).toBeInTheDocument()

    await userEvent.type(input, 'nope:1{Enter}')
    const onMessage = bridge.subscribe.mock.calls.findLast(([e]) => e === 'images:pull')![2]
    act(() =>
      onMessage({
        type: 'error',
        error: { code: 'NOT_FOUND', message: 'manifest unknown. Check the image name and tag.' },
      }),
    )
    const bad = screen.getByRole('region', { name: 'Pull nope:1' })
    expect(bad).toHaveTextContent('failed')
    expect(within(bad).getByRole('alert')).toHaveTextContent(
      'manifest unknown. Check the image name and tag.',
    )
    expect(within(bad).queryByRole('button', { name: 'Cancel' })).not.toBeInTheDocument()
  })

  it('builds from a folder with streamed output and the step reached', async () => {
    const { push, bridge } = setup()
    await screen.findByRole('table', { name: 'Images' })
    await userEvent.click(screen.getByRole('button', { name: 'Build…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Build an image' })
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Build context folder/ }),
      '/src/app',
    )
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Tags' }),
      'app:dev, app:latest',
    )
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: 'Build args' }),
      'BASE=node:20',
    )
    await userEvent.click(within(dialog).getByRole('button', { name: 'Build' }))
    expect(bridge.subscribe).toHaveBeenCalledWith(
      'images:build',
      {
        context: { kind: 'folder', path: '/src/app' },
        tags: ['app:dev', 'app:latest'],
        noCache: false,
        buildArgs: { BASE: 'node:20' },
      },
      expect.any(Function),
    )
    const out = (o: Partial<BuildOutput>): BuildOutput => ({
      lines: [],
      step: null,
      dropped: 0,
      done: false,
      ...o,
    })
    act(() =>
      push(
        'images:build',
        out({ lines: ['Step 1/3 : FROM node:20'], step: { current: 1, total: 3 } }),
      ),
    )
    act(() =>
      push('images:build', out({ lines: ['Step 2/3 : COPY . .'], step: { current: 2, total: 3 } })),
    )
    const job = screen.getByTestId('build-job')
    expect(within(job).getByTestId('build-step')).toHaveTextContent('Step 2/3')
    expect(within(job).getByRole('log', { name: 'Build output' })).toHaveTextContent('COPY . .')
    act(() =>
      push(
        'images:build',
        out({
          lines: ['Successfully built 4d5e6f'],
          done: true,
          imageId: 'sha256:4d5e6f7a8b9c0d1e',
        }),
      ),
    )
    expect(within(job).getByTestId('build-image-id')).toHaveTextContent('4d5e6f7a8b9c')
    expect(job).toHaveTextContent('done')
  })

  it('removes one tag of a multi-tag image, and shows main’s refusal as a toast', async () => {
    const { bridge } = setup({
      'images:remove': () => {
        throw new Error(
          'Image 1111 is used by running container c1: stop and remove that container first.',
        )
      },
    })
    await screen.findByRole('table', { name: 'Images' })
    await userEvent.click(screen.getByRole('button', { name: 'Actions for maildock/node:local' }))
    await userEvent.click(await screen.findByRole('menuitem', { name: 'Remove…' }))
    const dialog = await screen.findByRole('dialog')
    expect(
      within(dialog).getByRole('radio', { name: /the tag maildock\/node:local only/ }),
    ).toBeChecked()
    await userEvent.click(within(dialog).getByRole('radio', { name: /the whole image/ }))
    await userEvent.click(within(dialog).getByRole('checkbox', { name: 'Force' }))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Remove' }))
    expect(
      await screen.findByText(
        'Image 1111 is used by running container c1: stop and remove that container first.',
      ),
    ).toBeInTheDocument()
    expect(bridge.call).toHaveBeenCalledWith('images:remove', { id: node.id, force: true })
  })

  it('prunes and says how much space came back', async () => {
    const { bridge } = setup({
      'images:prune': () => ({ deleted: ['a', 'b', 'c'], reclaimedBytes: 3 * 1024 * 1024 }),
    })
    await screen.findByRole('table', { name: 'Images' })
    await userEvent.click(screen.getByRole('button', { name: 'Prune…' }))
    const dialog = await screen.findByRole('dialog', { name: 'Prune images' })
    await userEvent.click(within(dialog).getByText('Every unused image'))
    await userEvent.click(within(dialog).getByRole('button', { name: 'Prune' }))
    expect(await screen.findByText('Reclaimed 3.0 MiB')).toBeInTheDocument()
    expect(bridge.call).toHaveBeenCalledWith('images:prune', { mode: 'unused' })
  })

  it('shows the history of an image', async () => {
    setup({
      'images:history': () => ({
        entries: [
          {
            id: 'l1',
            created: Date.now(),
            createdBy: 'CMD ["node","server.js"]',
            sizeBytes: 0,
            tags: [],
            comment: '',
          },
          {
            id: 'l2',
            created: Date.now(),
            createdBy: 'COPY dist /app',
            sizeBytes: 2048,
            tags: [],
            comment: '',
          },
        ],
      }),
    })
    await screen.findByRole('table', { name: 'Images' })
    await userEvent.click(
      screen.getByRole('button', { name: 'Actions for maildock/debian-base:local' }),
    )
    await userEvent.click(await screen.findByRole('menuitem', { name: 'History' }))
    const history = await screen.findByRole('table', { name: 'Image history' })
    expect(history).toHaveTextContent('COPY dist /app')
    expect(history).toHaveTextContent('2.0 KiB')
  })
})
