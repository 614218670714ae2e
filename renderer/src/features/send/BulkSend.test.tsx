import '../../test/jsdom-fonts'
import { describe, expect, it } from 'vitest'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type {
  BulkCheck,
  BulkSendProgress,
  CsvPreview,
  SendReport,
} from '../../../../shared/contract'
import { fakeBridge, renderWithClient } from '../../test/render'
import { BulkSend } from './BulkSend'

const preview: CsvPreview = {
  columns: ['Email', 'first', 'plan'],
  rows: [
    { Email: 'ann@example.org', first: 'Ann', plan: 'pro' },
    { Email: 'bob@', first: 'Bob', plan: 'free' },
  ],
  totalRows: 1000,
  delimiter: ',',
  problems: [],
  suggested: { to: 'Email' },
}
const progress: BulkSendProgress = {
  batchId: 'b1',
  name: 'people-1',
  state: 'running',
  total: 1000,
  accepted: 0,
  invalid: 3,
  failed: 0,
  pending: 997,
  startedAt: Date.now(),
  rate: 0,
}

const check: BulkCheck = {
  total: 1000,
  valid: 998,
  invalidCount: 2,
  invalid: [
    { row: 3, to: 'bob@', error: 'to "bob@": is not a valid email address' },
    { row: 7, error: 'no recipient in column "Email"' },
  ],
}

const report = (sent: boolean): SendReport => ({
  name: 'people-1',
  kind: 'bulk',
  createdAt: 1,
  caughtNote: null,
  counts: {
    rows: 3,
    skipped: 1,
    accepted: 2,
    sent: sent ? 2 : 0,
    retried: 0,
    failed: 0,
    deadLettered: 0,
    pending: sent ? 0 : 2,
    caught: sent ? 2 : 0,
  },
  rows: [
    {
      row: 2,
      to: 'ann@example.org',
      emailId: 'people-1-r2',
      outcome: sent ? 'sent' : 'accepted',
      detail: null,
      retries: 0,
      caught: sent,
    },
    {
      row: 3,
      to: 'bob@',
      emailId: null,
      outcome: 'skipped',
      detail: 'to "bob@": is not a valid email address',
      retries: 0,
      caught: false,
    },
    {
      row: 4,
      to: 'cid@example.org',
      emailId: 'people-1-r4',
      outcome: sent ? 'sent' : 'retrying',
      detail: null,
      retries: sent ? 0 : 1,
      caught: sent,
    },
  ],
})

function setup(shown: CsvPreview = preview) {
  let sent = false
  const fake = fakeBridge({
    'mail:csv-preview': () => shown,
    'mail:bulk-check': () => check,
    'mail:bulk-start': () => progress,
    'mail:send-report': () => report(sent),
  })
  renderWithClient(<BulkSend />, fake.bridge)
  return { ...fake, deliver: () => (sent = true) }
}

async function openFile() {
  const input = document.querySelector('input[type="file"]') as HTMLInputElement
  await userEvent.upload(
    input,
    new File(['Email,first,plan\nann@example.org,Ann,pro\n'], 'people.csv', { type: 'text/csv' }),
  )
}

/** Typing each key re-renders the whole form in jsdom: paste the text instead. */
async function fill(testId: string, text: string) {
  const field = screen.getByTestId(testId)
  await userEvent.clear(field)
  await userEvent.click(field)
  await userEvent.paste(text)
}

describe('Bulk send CSV mapping', { timeout: 20_000 }, () => {
  it('previews the first rows and maps the recipient column it recognises', async () => {
    const { bridge } = setup()
    await openFile()
    expect(await screen.findByTestId('csv-summary')).toHaveTextContent(
      '1000 rows · 3 columns · delimiter ","',
    )
    expect(bridge.call).toHaveBeenCalledWith('mail:csv-preview', {
      csv: 'Email,first,plan\nann@example.org,Ann,pro\n',
      rows: 5,
    })
    const table = screen.getByTestId('csv-preview')
    expect(within(table).getAllByRole('row')).toHaveLength(3)
    expect(within(table).getByText('bob@')).toBeInTheDocument()
    expect(screen.getByTestId('mapping-to')).toHaveValue('Email')
    expect(within(table).getByText('to')).toBeInTheDocument()
  })

  it('asks for the To column when no column name says it holds addresses', async () => {
    setup({ ...preview, columns: ['who', 'first', 'plan'], suggested: {} })
    await openFile()
    await screen.findByTestId('csv-preview')
    await userEvent.type(screen.getByTestId('bulk-subject'), 'Hello')
    expect(screen.getByText('Choose the column that holds the recipients')).toBeInTheDocument()
    expect(screen.getByTestId('bulk-start')).toBeDisabled()
    const select = screen.getByTestId('mapping-to')
    await userEvent.click(select)
    const listbox = document.getElementById(
      select.getAttribute('aria-controls') ?? '',
    ) as HTMLElement
    await userEvent.click(within(listbox).getByRole('option', { name: 'who', hidden: true }))
    await waitFor(() => expect(screen.getByTestId('bulk-start')).toBeEnabled())
  }, 20_000)

  it('will not start while the template uses a {{variable}} that is not a column', async () => {
    const { bridge } = setup()
    await openFile()
    await screen.findByTestId('csv-preview')
    await fill('bulk-subject', 'Hi {{first}}')
    await fill('bulk-text', 'Your {{tier}} plan')
    expect(screen.getByText('{{tier}} is not a column of the file')).toBeInTheDocument()
    expect(screen.getByTestId('bulk-start')).toBeDisabled()

    await fill('bulk-text', 'Your {{plan}} plan')
    await waitFor(() => expect(screen.getByTestId('bulk-start')).toBeEnabled())
    await userEvent.click(screen.getByTestId('bulk-start'))
    await userEvent.click(await screen.findByRole('button', { name: 'Send now' }))
    expect(bridge.call).toHaveBeenCalledWith('mail:bulk-start', {
      csv: 'Email,first,plan\nann@example.org,Ann,pro\n',
      mapping: { to: 'Email' },
      template: { subject: 'Hi {{first}}', text: 'Your {{plan}} plan' },
      name: expect.stringMatching(/^people-\d{8}-\d{6}$/),
    })
  }, 20_000)

  it('says which rows will be skipped before sending, asks, starts once, then follows each row', async () => {
    const { bridge, push, deliver } = setup()
    await openFile()
    await screen.findByTestId('csv-preview')
    await userEvent.type(screen.getByTestId('bulk-subject'), 'Hello')
    const summary = await screen.findByText('998 valid, 2 will be skipped')
    expect(summary).toBeInTheDocument()
    expect(screen.getByTestId('bulk-check-row-3')).toHaveTextContent(
      'to "bob@": is not a valid email address',
    )
    expect(screen.getByTestId('bulk-check-row-7')).toHaveTextContent(
      'no recipient in column "Email"',
    )
    expect(bridge.call).not.toHaveBeenCalledWith('mail:bulk-start', expect.anything())

    await userEvent.dblClick(screen.getByTestId('bulk-start'))
    expect(await screen.findByTestId('bulk-confirm-text')).toHaveTextContent(
      '998 valid, 2 will be skipped',
    )
    await userEvent.dblClick(screen.getByRole('button', { name: 'Send now' }))
    expect(await screen.findByTestId('bulk-counts')).toHaveTextContent(
      '3/1000 · accepted 0 · invalid 3',
    )
    const starts = bridge.call.mock.calls.filter(([channel]) => channel === 'mail:bulk-start')
    expect(starts).toHaveLength(1)
    expect(screen.getByTestId('bulk-start')).toBeDisabled()
    act(() => push('mail:bulk-progress', { ...progress, accepted: 500, pending: 497 }))
    expect(screen.getByTestId('bulk-counts')).toHaveTextContent('503/1000 · accepted 500')

    expect(await screen.findByTestId('report-row-4')).toHaveTextContent('retrying')
    expect(within(screen.getByTestId('report-row-2')).getByRole('link')).toHaveAttribute(
      'href',
      '#/emails?id=people-1-r2',
    )
    deliver()
    act(() =>
      push('mail:bulk-progress', {
        ...progress,
        state: 'done',
        accepted: 997,
        pending: 0,
        finishedAt: Date.now(),
      }),
    )
    await waitFor(() => expect(screen.getByTestId('report-row-4')).toHaveTextContent('sent'), {
      timeout: 5_000,
    })
    expect(screen.getByTestId('report-counts')).toHaveTextContent(
      '3 rows · accepted 2 · sent 2 · retried 0 · failed 0 · dead-lettered 0 · caught 2 · skipped 1',
    )
    expect(screen.getByTestId('report-row-3')).toHaveTextContent('skipped')
    expect(screen.getByTestId('bulk-again')).toBeEnabled()
  })
})
