import '../../test/jsdom-fonts'
import { describe, expect, it } from 'vitest'
import { act, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { TrackedEmail } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { TrackingPanel } from './TrackingPanel'

const email = (id: string, status: TrackedEmail['status']): TrackedEmail => ({
  ...(status === 'failed' ? { detail: '550 no such user' } : {}),
  id,
  to: [`${id}@example.org`],
  subject: `Subject ${id}`,
  status,
  attempts: 1,
  createdAt: Date.now(),
  updatedAt: Date.now(),
  deadLettered: status === 'failed',
})

describe('TrackingPanel', { timeout: 20_000 }, () => {
  it('lists emails with live status, filters by status, and opens a timeline', async () => {
    const all = [email('e1', 'sent'), email('e2', 'failed'), email('e3', 'queued')]
    const counts = { total: 3, queued: 1, retrying: 0, sent: 1, failed: 1 }
    const fake = fakeBridge({
      'mail:recent': (input) => {
        const { status } = input as { status?: string }
        return { emails: all.filter((e) => status === undefined || e.status === status), counts }
      },
      'mail:timeline': () => ({
        email: { ...all[1]!, detail: '550 no such user' },
        entries: [
          { at: 1, kind: 'failed', title: 'Failed: rejected for good', detail: '550 no such user' },
        ],
      }),
    })
    renderWithClient(<TrackingPanel />, fake.bridge)
    const table = await screen.findByTestId('emails-table')
    expect(
      within(table)
        .getAllByTestId('email-status')
        .map((b) => b.textContent),
    ).toEqual(['sent', 'failed', 'queued'])
    // Cells clamped to a line carry their whole text, and a failure's reason, on hover.
    expect(within(screen.getByTestId('email-row-e2')).getByText('Subject e2')).toHaveAttribute(
      'title',
      'Subject e2 — 550 no such user',
    )
    expect(within(screen.getByTestId('email-row-e1')).getByText('e1@example.org')).toHaveAttribute(
      'title',
      'e1@example.org',
    )

    await userEvent.click(screen.getByText('failed 1'))
    expect(fake.bridge.call).toHaveBeenCalledWith('mail:recent', { limit: 300, status: 'failed' })
    await expect.poll(() => screen.queryByTestId('email-row-e1')).toBeNull()

    await userEvent.click(screen.getByTestId('email-row-e2'))
    expect(await screen.findByTestId('timeline-failed')).toHaveTextContent('550 no such user')

    // a status change anywhere reloads the list
    all[2] = email('e3', 'failed')
    act(() => fake.push('mail:changes', { emails: [all[2]], counts }))
    expect(await screen.findByTestId('email-row-e3')).toBeInTheDocument()
  })

  it('says there are no emails yet rather than showing an empty table', async () => {
    const fake = fakeBridge({
      'mail:recent': () => ({
        emails: [],
        counts: { total: 0, queued: 0, retrying: 0, sent: 0, failed: 0 },
      }),
    })
    renderWithClient(<TrackingPanel />, fake.bridge)
    expect(await screen.findByTestId('emails-empty')).toHaveTextContent('No emails yet')
  })
})
