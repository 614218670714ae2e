import '../../test/jsdom-fonts'
import { describe, expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { Timeline } from '../../ui/email-timeline/useEmailTimeline'
import { captureDownloads, readBlob } from '../../test/downloads'
import { fakeBridge, renderWithClient } from '../../test/render'
import { ComposeForm } from './ComposeForm'

function setup(answers: Parameters<typeof fakeBridge>[0] = {}) {
  const fake = fakeBridge({ 'mail:templates': () => [], ...answers })
  renderWithClient(<ComposeForm />, fake.bridge)
  return fake
}

const toField = () => screen.getByTestId('address-to')

describe('ComposeForm validation', { timeout: 20_000 }, () => {
  it('turns each address into a chip as it is typed and marks an invalid one at once', async () => {
    const { bridge } = setup()
    await userEvent.type(toField(), 'ann@example.org, bob@ ')
    const wrapper = screen
      .getByTestId('address-to')
      .closest('.mantine-InputWrapper-root') as HTMLElement
    expect(within(wrapper).getByLabelText('ann@example.org')).not.toHaveAttribute('data-invalid')
    expect(within(wrapper).getByLabelText('bob@ (invalid address)')).toHaveAttribute(
      'data-invalid',
      'true',
    )
    expect(screen.getByText('bob@ is not a valid email address')).toBeInTheDocument()

    await userEvent.type(toField(), '{Backspace}')
    expect(screen.queryByText('bob@ is not a valid email address')).not.toBeInTheDocument()
    expect(bridge.call).not.toHaveBeenCalledWith('mail:send', expect.anything())
  })

  it('says a recipient is needed only once Send is pressed, and sends nothing', async () => {
    const { bridge } = setup()
    expect(screen.queryByText('Needs at least one recipient')).not.toBeInTheDocument()
    await userEvent.click(screen.getByTestId('compose-send'))
    expect(screen.getByText('Needs at least one recipient')).toBeInTheDocument()
    expect(bridge.call).not.toHaveBeenCalledWith('mail:send', expect.anything())
  })

  it('refuses a subject with a line break (from a template) and a body over the size limit', async () => {
    const { bridge } = setup({
      'mail:templates': () => [
        {
          id: 't1',
          name: 'Injected',
          subject: 'Hi\r\nBcc: all@example.org',
          text: 'x',
          updatedAt: 0,
        },
      ],
    })
    await userEvent.type(toField(), 'ann@example.org ')
    await userEvent.click(screen.getByRole('button', { name: 'Templates' }))
    await userEvent.click(await screen.findByText('Injected'))
    expect(screen.getByText('Subject must not contain CR or LF')).toBeInTheDocument()
    await userEvent.click(screen.getByTestId('compose-send'))
    expect(bridge.call).not.toHaveBeenCalledWith('mail:send', expect.anything())

    const big = 'x'.repeat(1024 * 1024)
    await userEvent.click(screen.getByTestId('compose-text'))
    await userEvent.paste(big)
    expect(screen.getByText(/The email is \d+ KiB, over the limit of 1024 KiB/)).toBeInTheDocument()
  })

  it('asks for a value for each {{variable}} and fills them in the email it sends', async () => {
    const { bridge } = setup({ 'mail:send': () => ({ id: 'e-1', acceptedAt: 0 }) })
    await userEvent.type(toField(), 'ann@example.org ')
    await userEvent.type(screen.getByTestId('compose-subject'), 'Hello {{{{name}}')
    expect(screen.getByTestId('variables-error')).toHaveTextContent('No value for {{name}}')
    await userEvent.type(screen.getByRole('textbox', { name: '{{name}}' }), 'Ann')
    expect(screen.queryByTestId('variables-error')).not.toBeInTheDocument()
    await userEvent.click(screen.getByTestId('compose-send'))
    expect(bridge.call).toHaveBeenCalledWith('mail:send', {
      email: { to: ['ann@example.org'], cc: [], bcc: [], subject: 'Hello Ann', text: '' },
    })
  })

  it('shows why the API did not take the email', async () => {
    setup({
      'mail:send': () => {
        throw new Error(
          "The stack's API at http://127.0.0.1:5001 is not reachable (connection refused: is the stack running?); nothing was sent",
        )
      },
    })
    await userEvent.type(toField(), 'ann@example.org ')
    await userEvent.type(screen.getByTestId('compose-subject'), 'Hi')
    await userEvent.click(screen.getByTestId('compose-send'))
    expect(await screen.findByTestId('send-error')).toHaveTextContent(
      'is not reachable (connection refused',
    )
    expect(screen.queryByTestId('sent-id')).not.toBeInTheDocument()
  })

  it('refuses an email with neither a subject nor a body before anything is sent', async () => {
    let sent = 0
    setup({
      'mail:send': () => {
        sent += 1
        return { id: 'never', acceptedAt: 0 }
      },
    })
    await userEvent.type(toField(), 'ann@example.org ')
    await userEvent.click(screen.getByTestId('compose-send'))
    expect(await screen.findByText(/Write a subject or a body/)).toBeInTheDocument()
    expect(sent).toBe(0)
  })

  it('follows the sent email to "sent" as its events arrive', async () => {
    const known: { timeline?: Timeline } = {}
    const { push } = setup({
      'mail:send': () => ({ id: 'e-42', acceptedAt: 0 }),
      'mail:timeline': () => {
        if (known.timeline === undefined) throw new Error('No events for email e-42 yet')
        return known.timeline
      },
    })
    await userEvent.type(toField(), 'ann@example.org ')
    await userEvent.type(screen.getByTestId('compose-subject'), 'Hi')
    await userEvent.click(screen.getByTestId('compose-send'))
    expect(await screen.findByTestId('sent-id')).toHaveTextContent('e-42')
    const email = {
      id: 'e-42',
      to: ['ann@example.org'],
      subject: 'Hi',
      attempts: 1,
      createdAt: 0,
      updatedAt: 1,
      deadLettered: false,
    }
    known.timeline = {
      email: { ...email, status: 'sent', detail: '250 OK' },
      entries: [
        { at: 0, kind: 'accepted', title: 'Accepted by the API' },
        { at: 1, kind: 'sent', title: 'Sent (attempt 1, 3 ms)', detail: '250 2.0.0 Ok: queued' },
      ],
    }
    act(() =>
      push('mail:changes', {
        emails: [{ ...email, status: 'sent' }],
        counts: { total: 1, queued: 0, retrying: 0, sent: 1, failed: 0 },
      }),
    )
    expect(await screen.findByTestId('timeline-status')).toHaveTextContent('sent')
    expect(screen.getByTestId('timeline-sent')).toHaveTextContent('250 2.0.0 Ok: queued')
  })

  it("exports the sent email's delivery report as CSV", async () => {
    const saved = captureDownloads()
    const csv = 'row,to,outcome\n1,ann@example.org,sent\n'
    const { bridge } = setup({
      'mail:send': () => ({ id: 'e-7', acceptedAt: 0 }),
      'mail:timeline': () => {
        throw new Error('No events for email e-7 yet')
      },
      'mail:send-report-csv': () => ({ filename: 'maildock-send-e-7.csv', csv }),
    })
    await userEvent.type(toField(), 'ann@example.org ')
    await userEvent.type(screen.getByTestId('compose-subject'), 'Hi')
    await userEvent.click(screen.getByTestId('compose-send'))
    await userEvent.click(await screen.findByTestId('single-report-export'))
    await waitFor(() => expect(saved).toHaveLength(1))
    expect(bridge.call).toHaveBeenCalledWith('mail:send-report-csv', { name: 'e-7' })
    expect(await readBlob(saved[0]!)).toBe(csv)
  })
})
