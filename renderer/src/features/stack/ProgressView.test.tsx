import { afterEach, describe, expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { notifications } from '@mantine/notifications'
import type { StackOperation } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { EngineStatusProvider } from '../../transport/engine-status'
import { NOW, absentStatus, operation, result, stackStatus, step } from './fixtures'
import { StackPanel } from './StackPanel'

type Answers = Parameters<typeof fakeBridge>[0]

function setup(answers: Answers = {}) {
  const fake = fakeBridge(answers)
  renderWithClient(
    <EngineStatusProvider>
      <StackPanel />
    </EngineStatusProvider>,
    fake.bridge,
  )
  return fake
}

const steps = () => screen.getAllByTestId('stack-step')
const stepNamed = (title: string) => {
  const found = steps().find((s) => s.getAttribute('aria-label') === title)
  if (!found) throw new Error(`no step ${title}`)
  return found
}
const callsTo = (bridge: ReturnType<typeof fakeBridge>['bridge'], channel: string) =>
  bridge.call.mock.calls.filter(([c]) => c === channel)

const running: StackOperation = operation({
  steps: [
    step({
      id: '1',
      kind: 'build',
      service: 'api',
      title: 'Build maildock/api:3f2a',
      state: 'running',
      startedAt: NOW - 8_000,
      detail: 'Step 4/9 : COPY dist /app',
      progress: { current: 4, total: 9, unit: 'steps' },
      logs: ['Step 1/9 : FROM node', 'Step 4/9 : COPY dist /app'],
    }),
    step({
      id: '2',
      kind: 'build',
      service: 'emailer',
      title: 'Build maildock/emailer:77aa',
      state: 'done',
      startedAt: NOW - 10_000,
      endedAt: NOW - 6_500,
    }),
    step({ id: '3', kind: 'network', title: 'Create network maildock-net' }),
    step({ id: '4', kind: 'health', service: 'broker', title: 'Wait until broker is healthy' }),
  ],
})

// Toasts live in a module-wide store: earlier tests' toasts would queue this test's behind them.
afterEach(() => {
  notifications.clean()
  notifications.cleanQueue()
})

describe('Stack progress view', { timeout: 20_000 }, () => {
  it('shows every step with its state, progress, latest line and elapsed time', async () => {
    const { push } = setup()
    act(() => push('stack:changed', absentStatus()))
    act(() => push('stack:progress', running))
    expect(await screen.findByTestId('progress-title')).toHaveTextContent('Starting the stack…')
    expect(screen.getByTestId('progress-count')).toHaveTextContent('1 of 4 steps')
    expect(steps().map((s) => s.dataset.state)).toEqual(['running', 'done', 'pending', 'pending'])
    const build = stepNamed('Build maildock/api:3f2a')
    expect(within(build).getByTestId('step-detail')).toHaveTextContent('Step 4/9 : COPY dist /app')
    expect(within(build).getByTestId('step-progress')).toHaveTextContent('step 4 / 9')
    expect(within(build).getByTestId('step-elapsed').textContent).toMatch(/^\d+\.\d s$/)
    expect(
      within(stepNamed('Build maildock/emailer:77aa')).getByTestId('step-elapsed'),
    ).toHaveTextContent('3.5 s')
    expect(
      within(stepNamed('Create network maildock-net')).getByTestId('step-elapsed'),
    ).toHaveTextContent('')
    // The whole operation's clock: from its start (12 s before the fixtures' NOW) until now.
    const elapsed = screen.getByTestId('progress-elapsed').textContent ?? ''
    expect(elapsed).toMatch(/^\d+\.\d s$/)
    expect(parseFloat(elapsed)).toBeGreaterThanOrEqual(12)

    // The build's output can be opened under its step.
    await userEvent.click(within(build).getByRole('button', { name: /Show output/ }))
    expect(within(build).getByRole('log')).toHaveTextContent('Step 1/9 : FROM node')
  })

  it('says which check a starting service is at, with the raw check output behind a disclosure', async () => {
    const { push } = setup()
    act(() => push('stack:changed', absentStatus()))
    const waiting = step({
      id: 'h',
      kind: 'health',
      service: 'broker',
      title: 'Wait until broker is healthy',
      state: 'running',
      startedAt: NOW - 6_000,
      detail: 'waiting for the broker (attempt 3)',
      logs: [1, 2, 3].map((n) => `broker check ${n}: exit 1: bash: connect: Connection refused`),
    })
    act(() => push('stack:progress', operation({ steps: [waiting] })))
    const health = await screen.findByRole('listitem', { name: 'Wait until broker is healthy' })
    const detail = within(health).getByTestId('step-detail')
    expect(detail).toHaveTextContent('waiting for the broker (attempt 3)')
    expect(detail).not.toHaveTextContent(/refused|exit/)
    expect(within(health).queryByRole('log')).toBeNull()
    await userEvent.click(within(health).getByRole('button', { name: /Show output/ }))
    expect(within(health).getByRole('log')).toHaveTextContent(
      'broker check 3: exit 1: bash: connect: Connection refused',
    )
  })

  it('says the plan is still coming while only the images are being prepared', async () => {
    const { push } = setup()
    act(() => push('stack:changed', absentStatus()))
    act(() => push('stack:progress', operation({ steps: running.steps.slice(0, 2) })))
    expect(await screen.findByTestId('progress-count')).toHaveTextContent(
      'Preparing images · 1 of 2 steps so far',
    )
    // The image phase fills only the first part of the bar.
    const bar = screen.getByRole('progressbar', { name: 'Overall progress' })
    expect(Number(bar.getAttribute('aria-valuenow'))).toBeCloseTo(15)
    act(() => push('stack:progress', running))
    expect(screen.getByTestId('progress-count')).toHaveTextContent('1 of 4 steps')
  })

  it('moves on as progress arrives and ends with the summary', async () => {
    const { push } = setup()
    act(() => push('stack:changed', absentStatus()))
    act(() => push('stack:progress', running))
    await screen.findByTestId('stack-progress')
    const done = operation({
      state: 'succeeded',
      endedAt: NOW,
      elapsedMs: 52_300,
      summary: 'created 6 containers',
      steps: running.steps.map((s) => ({
        ...s,
        state: 'done' as const,
        startedAt: s.startedAt ?? NOW - 3_000,
        endedAt: NOW,
      })),
    })
    act(() => push('stack:progress', done))
    expect(screen.getByTestId('progress-title')).toHaveTextContent('Start finished')
    expect(screen.getByTestId('progress-count')).toHaveTextContent(
      '4 of 4 steps · created 6 containers',
    )
    expect(screen.getByTestId('progress-elapsed')).toHaveTextContent('52.3 s')
    // A finished run folds its steps away; they can be shown again.
    const toggle = screen.getByRole('button', { name: 'Show 4 steps' })
    expect(toggle).toHaveAttribute('aria-expanded', 'false')
    await userEvent.click(toggle)
    expect(screen.getByRole('button', { name: 'Hide steps' })).toHaveAttribute(
      'aria-expanded',
      'true',
    )
    expect(steps().every((s) => s.dataset.state === 'done')).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByTestId('stack-progress')).not.toBeInTheDocument()
  })

  it('shows the failing step, its logs and the error, and Retry runs up again', async () => {
    let attempts = 0
    const failed = operation({
      state: 'failed',
      endedAt: NOW,
      elapsedMs: 95_000,
      error: {
        code: 'TIMEOUT',
        message: 'broker did not become healthy within 90 s',
        details: { logs: ['from details'] },
      },
      steps: [
        step({
          id: '1',
          kind: 'start',
          service: 'broker',
          title: 'Start maildock-broker-1',
          state: 'done',
          startedAt: NOW - 95_000,
          endedAt: NOW - 94_000,
        }),
        step({
          id: '2',
          kind: 'health',
          service: 'broker',
          title: 'Wait until broker is healthy',
          state: 'failed',
          startedAt: NOW - 94_000,
          endedAt: NOW,
          detail: 'broker did not become healthy within 90 s',
          logs: ['BOOT FAILED', 'epmd: cannot bind 4369'],
        }),
        step({
          id: '3',
          kind: 'create',
          service: 'api',
          title: 'Create maildock-api-1',
          state: 'skipped',
        }),
      ],
    })
    const { push, bridge } = setup({
      'stack:up': () => {
        attempts += 1
        if (attempts === 1) throw new Error('broker did not become healthy within 90 s')
        return result(operation({ id: 'op-2', state: 'succeeded', endedAt: NOW }))
      },
    })
    act(() => push('stack:changed', absentStatus()))
    await userEvent.click(await screen.findByTestId('stack-start'))
    act(() => push('stack:progress', failed))

    const failure = await screen.findByTestId('stack-failure')
    expect(screen.getByTestId('progress-title')).toHaveTextContent('Start failed')
    expect(screen.getByRole('alert', { name: /Failed: Wait until broker is healthy/ })).toBeTruthy()
    expect(within(failure).getByTestId('stack-failure-message')).toHaveTextContent(
      'broker did not become healthy within 90 s',
    )
    const logs = within(failure).getByRole('log', { name: 'Logs of the failing step' })
    expect(logs).toHaveTextContent('BOOT FAILED')
    expect(logs).toHaveTextContent('epmd: cannot bind 4369')
    expect(stepNamed('Create maildock-api-1').dataset.state).toBe('skipped')
    // A toast says it failed too.
    expect(await screen.findByText('Start the stack: failed')).toBeInTheDocument()

    await userEvent.click(within(failure).getByRole('button', { name: 'Retry: start the stack' }))
    await waitFor(() => expect(callsTo(bridge, 'stack:up')).toHaveLength(2))
    // The retry took the first try's toast down; its own says it worked.
    await waitFor(
      () => expect(screen.queryByText('Start the stack: failed')).not.toBeInTheDocument(),
      { timeout: 5_000 },
    )
    expect(await screen.findByText('Start the stack')).toBeInTheDocument()
  })

  it('falls back to the logs the error carries when the failed step kept none', async () => {
    const { push } = setup()
    act(() => push('stack:changed', stackStatus()))
    act(() =>
      push(
        'stack:progress',
        operation({
          kind: 'restart',
          state: 'failed',
          endedAt: NOW,
          error: { code: 'INTERNAL', message: 'exit 1', details: { logs: ['Error: EADDRINUSE'] } },
          steps: [
            step({
              id: '1',
              kind: 'restart',
              service: 'api',
              title: 'Restart maildock-api-1',
              state: 'failed',
            }),
          ],
        }),
      ),
    )
    const failure = await screen.findByTestId('stack-failure')
    expect(screen.getByTestId('progress-title')).toHaveTextContent('Restart api failed')
    expect(within(failure).getByRole('log')).toHaveTextContent('Error: EADDRINUSE')
    // A restart started elsewhere (CLI, another window) has no request here to repeat.
    expect(within(failure).queryByRole('button', { name: /Retry/ })).not.toBeInTheDocument()
  })

  it('names the failed step the error is about when steps side by side failed together', async () => {
    const { push } = setup()
    act(() => push('stack:changed', stackStatus()))
    const pullFailed = (id: string, image: string) =>
      step({
        id,
        kind: 'pull',
        title: `Pull ${image}`,
        state: 'failed',
        detail: `Image ${image} is not on this engine and could not be pulled`,
        logs: [`pull ${image}: no such host`],
      })
    act(() =>
      push(
        'stack:progress',
        operation({
          state: 'failed',
          endedAt: NOW,
          error: {
            code: 'NOT_FOUND',
            message:
              'Image rabbitmq:4 is not on this engine and could not be pulled. Build or load it.',
          },
          steps: [pullFailed('1', 'node:22'), pullFailed('2', 'rabbitmq:4')],
        }),
      ),
    )
    const failure = await screen.findByTestId('stack-failure')
    expect(screen.getByRole('alert', { name: 'Failed: Pull rabbitmq:4' })).toBeTruthy()
    expect(within(failure).getByRole('log')).toHaveTextContent('pull rabbitmq:4: no such host')
  })
})
