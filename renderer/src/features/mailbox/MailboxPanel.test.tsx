import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { MailboxMessage, MailboxStatus, MailboxSummary } from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { ChaosBanner } from './ChaosBanner'
import { MailboxPanel } from './MailboxPanel'

const OFF = { ErrorCode: 451, Probability: 0 }
const status = (total: number, chaos = false): MailboxStatus => ({
  available: true,
  reason: null,
  url: 'http://127.0.0.1:8025',
  version: 'test',
  total,
  unread: total,
  newestId: `m${total - 1}`,
  chaos: {
    Sender: OFF,
    Recipient: chaos ? { ErrorCode: 550, Probability: 100 } : OFF,
    Authentication: { ErrorCode: 535, Probability: 0 },
  },
})

const summary = (n: number): MailboxSummary => ({
  id: `m${n}`,
  messageId: `email-${n}@maildock.local`,
  emailId: `email-${n}`,
  from: { name: '', address: 'noreply@maildock.local' },
  to: [{ name: '', address: `user${n}@example.org` }],
  cc: [],
  subject: `Subject ${n}`,
  createdAt: 1_700_000_000_000 + n,
  size: 100,
  attachments: 0,
  snippet: '',
  tags: n % 2 === 0 ? ['spring'] : [],
  read: false,
})

const TOTAL = 10_000
const all = Array.from({ length: TOTAL }, (_, i) => summary(TOTAL - 1 - i))

const message: MailboxMessage = {
  ...summary(9_999),
  bcc: [],
  text: 'plain words',
  html: '<p>Hello</p><script>window.parent.pwned = 1</script><img src="https://tracker.example/p.gif">',
  attachmentList: [],
  headers: { 'X-Maildock-Id': ['email-9999'], Subject: ['Subject 9999'] },
}

function setup(initial: MailboxStatus) {
  const calls: { channel: string; input: unknown }[] = []
  const fake = fakeBridge({
    'mailbox:list': (input) => {
      const { start, limit, search } = input as { start: number; limit: number; search?: string }
      const found = search === undefined ? all : all.filter((m) => m.tags.includes('spring'))
      calls.push({ channel: 'mailbox:list', input })
      return {
        total: TOTAL,
        matching: found.length,
        unread: TOTAL,
        start,
        messages: found.slice(start, start + limit),
        tags: ['spring'],
      }
    },
    'mailbox:message': () => message,
    'mailbox:chaos-set': (input) => {
      calls.push({ channel: 'mailbox:chaos-set', input })
      return status(TOTAL).chaos
    },
  })
  renderWithClient(
    <>
      <ChaosBanner />
      <MailboxPanel />
    </>,
    fake.bridge,
  )
  act(() => fake.push('mailbox:changes', initial))
  return { ...fake, calls }
}

// jsdom lays nothing out: give the list's scroll box a size, so the virtualiser shows a window.
const sizes = ['clientHeight', 'clientWidth', 'offsetHeight', 'offsetWidth'] as const
beforeAll(() => {
  for (const size of sizes) {
    Object.defineProperty(HTMLElement.prototype, size, { configurable: true, get: () => 600 })
  }
})
afterAll(() => {
  for (const size of sizes) Reflect.deleteProperty(HTMLElement.prototype, size)
})

describe('MailboxPanel', { timeout: 30_000 }, () => {
  it('lists 10,000 messages newest first with only a window of rows in the DOM', async () => {
    setup(status(TOTAL))
    expect(await screen.findByTestId('mailbox-count')).toHaveTextContent('1000 shown of 10000')
    const rows = screen.getAllByTestId('mailbox-row')
    expect(rows[0]).toHaveTextContent('Subject 9999')
    expect(rows.length).toBeLessThan(60)
  })

  it('opens a message: HTML in a sandboxed frame of its own, remote images blocked, headers', async () => {
    setup(status(TOTAL))
    sessionStorage.setItem('maildock.token', 'tok')
    await userEvent.click((await screen.findAllByTestId('mailbox-row'))[0]!)
    const frame = await screen.findByTestId('message-html')
    // No allow-scripts, no allow-same-origin; no srcdoc (it would inherit the app's CSP).
    expect(frame.getAttribute('sandbox')).toBe('')
    expect(frame.hasAttribute('srcdoc')).toBe(false)
    const src = new URL(frame.getAttribute('src') ?? '')
    expect(src.pathname).toBe('/mailbox/document/m9999')
    expect(src.searchParams.get('token')).toBe('tok')
    expect(src.searchParams.has('remote')).toBe(false)
    expect(screen.getByTestId('remote-images-blocked')).toBeInTheDocument()
    await userEvent.click(screen.getByTestId('allow-remote-images'))
    const allowed = new URL(screen.getByTestId('message-html').getAttribute('src') ?? '')
    expect(allowed.searchParams.get('remote')).toBe('1')
    expect(screen.getByTestId('message-timeline-link')).toHaveAttribute(
      'href',
      '#/emails?id=email-9999',
    )
    await userEvent.click(screen.getByTestId('tab-headers'))
    expect(
      within(screen.getByTestId('message-headers')).getByText('email-9999'),
    ).toBeInTheDocument()
  })

  it('says so when the catcher cannot give the raw source or run the HTML check', async () => {
    setup(status(TOTAL))
    await userEvent.click((await screen.findAllByTestId('mailbox-row'))[0]!)
    await userEvent.click(await screen.findByTestId('tab-raw'))
    expect(await screen.findByTestId('raw-error')).toHaveTextContent('mailbox:raw')
    await userEvent.click(screen.getByRole('tab', { name: 'Checks' }))
    expect(await screen.findByTestId('html-check-error')).toHaveTextContent('mailbox:html-check')
  })

  it('searches, shows the chaos banner and resets chaos in one click', async () => {
    const { calls } = setup(status(TOTAL, true))
    expect(await screen.findByTestId('chaos-banner')).toHaveTextContent('Recipient 550 (100%)')
    await userEvent.type(screen.getByTestId('mailbox-search'), 'tag:spring')
    await waitFor(() => expect(screen.getByTestId('mailbox-count')).toHaveTextContent('of 5000'))
    expect(calls.some((call) => (call.input as { search?: string }).search === 'tag:spring')).toBe(
      true,
    )
    await userEvent.click(screen.getByTestId('chaos-reset'))
    await waitFor(() =>
      expect(calls.some((call) => call.channel === 'mailbox:chaos-set')).toBe(true),
    )
  })

  it('says why there is no mailbox on a relay-backed stack', async () => {
    setup({
      ...status(0),
      available: false,
      reason: 'The stack delivers to the SMTP relay smtp.example.org',
    })
    expect(await screen.findByTestId('mailbox-unavailable')).toHaveTextContent(
      'SMTP relay smtp.example.org',
    )
  })
})
