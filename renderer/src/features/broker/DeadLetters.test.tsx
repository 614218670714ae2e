import { describe, expect, it } from 'vitest'
import { screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { DeadLetter } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { DeadLetters } from './DeadLetters'

const letter = (id: string, reason: string): DeadLetter => ({
  key: id,
  emailId: id,
  reason,
  attempts: 1,
  smtpCode: 550,
  failedAt: '2026-01-01T10:00:00.000Z',
  to: [`${id}@example.org`],
  subject: `Subject ${id}`,
  sizeBytes: 200,
})

function setup(messages: DeadLetter[]) {
  let queue = [...messages]
  const fake = fakeBridge({
    'broker:dead-letters': () => ({ total: queue.length, messages: queue }),
    'broker:dead-letters-retry': (input) => {
      const { keys } = input as { keys: string[] }
      queue = queue.filter((m) => !keys.includes(m.key))
      return { done: keys, missing: [] }
    },
    'broker:dead-letters-discard': (input) => {
      const { keys } = input as { keys: string[] }
      queue = queue.filter((m) => !keys.includes(m.key))
      return { done: keys, missing: [] }
    },
  })
  renderWithClient(<DeadLetters queuedHint={messages.length} />, fake.bridge)
  return fake
}

describe('DeadLetters', { timeout: 20_000 }, () => {
  it('says so when the queue is empty', async () => {
    setup([])
    expect(await screen.findByTestId('dlq-empty')).toHaveTextContent('No dead letters')
  })

  it('lists each message with its reason and retries the selected ones', async () => {
    const { bridge } = setup([
      letter('a1', 'EENVELOPE: 550 5.1.1 mailbox unavailable'),
      letter('b2', '554 rejected'),
    ])
    const row = await screen.findByTestId('dlq-a1')
    expect(within(row).getByTestId('dlq-reason')).toHaveTextContent('550 5.1.1 mailbox unavailable')
    expect(screen.getByTestId('dlq-retry')).toBeDisabled()
    await userEvent.click(within(row).getByRole('checkbox'))
    await userEvent.click(screen.getByTestId('dlq-retry'))
    expect(bridge.call).toHaveBeenCalledWith('broker:dead-letters-retry', { keys: ['a1'] })
    expect(await screen.findByText('Sent back to the emailer')).toBeInTheDocument()
    await expect.poll(() => screen.queryByTestId('dlq-a1')).toBeNull()
    expect(screen.getByTestId('dlq-b2')).toBeInTheDocument()
  })

  it('discards only after a confirmation', async () => {
    const { bridge } = setup([letter('a1', 'x'), letter('b2', 'y')])
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Select all' }))
    await userEvent.click(screen.getByTestId('dlq-discard'))
    expect(bridge.call).not.toHaveBeenCalledWith('broker:dead-letters-discard', expect.anything())
    await userEvent.click(await screen.findByTestId('dlq-discard-confirm'))
    expect(bridge.call).toHaveBeenCalledWith('broker:dead-letters-discard', { keys: ['a1', 'b2'] })
    expect(await screen.findByTestId('dlq-empty')).toBeInTheDocument()
  })

  it('shows why the queue cannot be read', async () => {
    const fake = fakeBridge({
      'broker:dead-letters': () => {
        throw new Error(
          'Not connected to the broker at amqp://maildock@127.0.0.1:5672 (reconnecting)',
        )
      },
    })
    renderWithClient(<DeadLetters queuedHint={undefined} />, fake.bridge)
    expect(await screen.findByTestId('dlq-error')).toHaveTextContent('Not connected to the broker')
  })

  it('shows a failed retry beside the buttons, not in a toast over them', async () => {
    const fake = fakeBridge({
      'broker:dead-letters': () => ({ total: 1, messages: [letter('a1', 'x')] }),
      'broker:dead-letters-retry': () => {
        throw new Error('Not connected to the broker')
      },
    })
    renderWithClient(<DeadLetters queuedHint={1} />, fake.bridge)
    await userEvent.click(within(await screen.findByTestId('dlq-a1')).getByRole('checkbox'))
    await userEvent.click(screen.getByTestId('dlq-retry'))
    const outcome = await within(screen.getByTestId('dead-letters')).findByRole('alert')
    expect(outcome).toHaveTextContent('Retry failed')
    expect(outcome).toHaveTextContent('Not connected to the broker')
    expect(document.querySelector('.mantine-Notification-root')).toBeNull()
    // The selection stays, so Retry can be pressed again.
    expect(screen.getByTestId('dlq-retry')).toBeEnabled()
    await userEvent.click(within(outcome).getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByTestId('dlq-outcome')).toBeNull()
  })
})
