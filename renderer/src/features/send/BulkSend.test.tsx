import '../../test/jsdom-fonts'
import { describe, expect, it } from 'vitest'
import { act, screen, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { BulkSendProgress, CsvPreview } from '../../../../shared/contract'
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
  state: 'running',
  total: 1000,
  accepted: 0,
  invalid: 3,
  failed: 0,
  pending: 997,
  startedAt: Date.now(),
  rate: 0,
}

function setup(shown: CsvPreview = preview) {
  const fake = fakeBridge({
    'mail:csv-preview': () => shown,
    'mail:bulk-start': () => progress,
    'mail:bulk-result': () => ({
      ...progress,
      state: 'done',
      accepted: 997,
      pending: 0,
      rows: [
        { row: 2, status: 'accepted', to: 'ann@example.org', emailId: 'b1-r2' },
        { row: 3, status: 'invalid', to: 'bob@', error: 'to "bob@": is not a valid email address' },
        { row: 7, status: 'invalid', error: 'no recipient in column "Email"' },
        { row: 9, status: 'invalid', to: 'c@x.org', error: 'subject: must not contain CR or LF' },
      ],
    }),
  })
  renderWithClient(<BulkSend />, fake.bridge)
  return fake
}

async function openFile() {
  const input = document.querySelector('input[type="file"]') as HTMLInputElement
  await userEvent.upload(
    input,
    new File(['Email,first,plan\nann@example.org,Ann,pro\n'], 'people.csv', { type: 'text/csv' }),
  )
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
    expect(screen.getByTestId('bulk-start')).toBeEnabled()
  }, 20_000)

  it('will not start while the template uses a {{variable}} that is not a column', async () => {
    const { bridge } = setup()
    await openFile()
    await screen.findByTestId('csv-preview')
    await userEvent.type(screen.getByTestId('bulk-subject'), 'Hi {{{{first}}')
    await userEvent.type(screen.getByTestId('bulk-text'), 'Your {{{{tier}} plan')
    expect(screen.getByText('{{tier}} is not a column of the file')).toBeInTheDocument()
    expect(screen.getByTestId('bulk-start')).toBeDisabled()

    await userEvent.clear(screen.getByTestId('bulk-text'))
    await userEvent.type(screen.getByTestId('bulk-text'), 'Your {{{{plan}} plan')
    expect(screen.getByTestId('bulk-start')).toBeEnabled()
    await userEvent.click(screen.getByTestId('bulk-start'))
    expect(bridge.call).toHaveBeenCalledWith('mail:bulk-start', {
      csv: 'Email,first,plan\nann@example.org,Ann,pro\n',
      mapping: { to: 'Email' },
      template: { subject: 'Hi {{first}}', text: 'Your {{plan}} plan' },
    })
  }, 20_000)

  it('shows progress, then each bad row with its reason', async () => {
    const { push } = setup()
    await openFile()
    await screen.findByTestId('csv-preview')
    await userEvent.type(screen.getByTestId('bulk-subject'), 'Hello')
    await userEvent.click(screen.getByTestId('bulk-start'))
    expect(await screen.findByTestId('bulk-counts')).toHaveTextContent(
      '3/1000 · accepted 0 · invalid 3',
    )
    act(() => push('mail:bulk-progress', { ...progress, accepted: 500, pending: 497 }))
    expect(screen.getByTestId('bulk-counts')).toHaveTextContent('503/1000 · accepted 500')
    act(() =>
      push('mail:bulk-progress', {
        ...progress,
        state: 'done',
        accepted: 997,
        pending: 0,
        finishedAt: Date.now(),
      }),
    )
    const rows = await screen.findByTestId('bulk-rows')
    expect(within(rows).getAllByRole('row')).toHaveLength(4)
    expect(screen.getByTestId('bulk-row-3')).toHaveTextContent(
      'to "bob@": is not a valid email address',
    )
    expect(screen.getByTestId('bulk-row-7')).toHaveTextContent('no recipient in column "Email"')
    expect(screen.queryByTestId('bulk-row-2')).not.toBeInTheDocument()
    await userEvent.click(screen.getByText('All rows (1000)'))
    expect(screen.getByTestId('bulk-row-2')).toHaveTextContent('b1-r2')
  })
})
