import { configure } from '@testing-library/dom'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { LogEntry, LogStatus } from '../../../../shared/contract'
import { captureDownloads, readBlob } from '../../test/downloads'
import { fakeBridge, renderWithClient } from '../../test/render'
import { LogsPanel } from './LogsPanel'
import { statusPollMs } from './StoreStatus'

// A busy machine renders slowly: give async queries room.
configure({ asyncUtilTimeout: 5_000 })

const sizes = ['clientHeight', 'clientWidth'] as const
beforeAll(() => {
  for (const size of sizes) {
    Object.defineProperty(HTMLElement.prototype, size, { configurable: true, get: () => 600 })
  }
})
afterAll(() => {
  for (const size of sizes) Reflect.deleteProperty(HTMLElement.prototype, size)
})

const entry = (id: number, extra: Partial<LogEntry> = {}): LogEntry => ({
  id,
  key: `k${id}`,
  ts: Date.UTC(2025, 0, 1, 10, 0, 0, id),
  source: 'event',
  service: 'api',
  container: null,
  stream: null,
  level: 'info',
  emailId: `email-${id}`,
  status: 'request',
  subject: `Quarterly invoice ${id}`,
  recipients: ['bob@example.com'],
  text: `email.request email-${id}`,
  raw: '{"v":1}',
  ...extra,
})

const status = (extra: Partial<LogStatus> = {}): LogStatus => ({
  path: '/data/logs.db',
  state: 'ready',
  sizeBytes: 4096,
  walBytes: 0,
  rows: 3,
  emails: 1,
  oldestTs: null,
  newestTs: null,
  schemaVersion: 1,
  ingest: {
    queued: 0,
    maxQueued: 200_000,
    written: 3,
    duplicates: 0,
    dropped: 0,
    refused: 0,
    batches: 1,
    lastBatchRows: 3,
    lastBatchMs: 1,
    paused: false,
    pausedReason: null,
    nextRetryAt: null,
  },
  collector: { containers: [], lines: 0, catchUps: 0, lastError: null },
  retention: { maxAgeDays: 30, maxSizeMb: 2048 },
  compaction: { lastRunAt: null, lastDeleted: 0, running: false },
  lastError: null,
  upgrade: null,
  ...extra,
})

const histogram = {
  bucketMs: 60_000,
  from: 0,
  to: 60_000,
  buckets: [{ t: 0, total: 3, warn: 0, error: 1 }],
  notice: null,
}

function setup(answers: Record<string, (input: unknown) => unknown> = {}) {
  const fake = fakeBridge({
    'logs:search': () => ({
      entries: [entry(2), entry(1)],
      nextCursor: null,
      notice: null,
      tookMs: 1.5,
    }),
    'logs:histogram': () => histogram,
    'logs:status': () => status(),
    'logs:get': () => ({
      entry: entry(1),
      email: {
        emailId: 'email-1',
        subject: 'Quarterly invoice 1',
        recipients: ['bob@example.com'],
        firstTs: 0,
        lastTs: 1,
        lastStatus: 'sent',
      },
      timeline: [
        entry(1),
        entry(5, { status: 'accepted', emailId: 'email-1', text: 'email.accepted' }),
        entry(6, {
          status: 'sent',
          emailId: 'email-1',
          service: 'emailer',
          text: 'email.sent 250 OK',
        }),
      ],
      truncated: false,
    }),
    ...answers,
  })
  renderWithClient(<LogsPanel height={500} />, fake.bridge)
  return fake
}

const searchCalls = (bridge: ReturnType<typeof fakeBridge>['bridge']) =>
  bridge.call.mock.calls
    .filter(([channel]) => channel === 'logs:search')
    .map(([, input]) => input as { query: Record<string, unknown>; cursor?: string })

describe('LogsPanel', () => {
  it('lists the last day of entries, and searches a word on Enter', async () => {
    const { bridge } = setup()
    expect(await screen.findAllByTestId('logs-row')).toHaveLength(2)
    expect(searchCalls(bridge)[0]!.query).toEqual({
      from: expect.any(Number),
      to: expect.any(Number),
    })
    // One count: what the store finds for the search, the bars' sum.
    expect(await screen.findByTestId('panel-count')).toHaveTextContent('3 entries match')
    expect(screen.getByTestId('histogram-summary')).toHaveTextContent('1 error and 0 warnings')
    const input = screen.getByTestId('logs-search')
    fireEvent.change(input, { target: { value: 'quarterly' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    await waitFor(() =>
      expect(searchCalls(bridge).at(-1)!.query).toMatchObject({ text: 'quarterly' }),
    )
    await waitFor(() =>
      expect(screen.getAllByTestId('logs-row')[0]).toHaveTextContent('Quarterly invoice 2'),
    )
  }, 15_000)

  it('opens an entry with the timeline of its email', async () => {
    const { bridge } = setup()
    await userEvent.click((await screen.findAllByTestId('logs-row'))[1]!)
    await waitFor(() => expect(bridge.call).toHaveBeenCalledWith('logs:get', { id: 1 }))
    const steps = await screen.findAllByTestId('log-timeline-step')
    expect(
      steps.map((s) => within(s).getAllByText(/request|accepted|sent/)[0]!.textContent),
    ).toEqual(['request', 'accepted', 'sent'])
    expect(screen.getByTestId('log-email-status')).toHaveTextContent('sent')
    expect(screen.getByTestId('log-email')).toHaveTextContent('bob@example.com')
  })

  it('keeps the timeline of an email on its way up to date', async () => {
    let calls = 0
    const timeline = (status: 'accepted' | 'sent') => ({
      entry: entry(1),
      email: {
        emailId: 'email-1',
        subject: 's',
        recipients: [],
        firstTs: 0,
        lastTs: 1,
        lastStatus: status,
      },
      timeline: [entry(1)],
      truncated: false,
    })
    setup({ 'logs:get': () => timeline(++calls === 1 ? 'accepted' : 'sent') })
    await userEvent.click((await screen.findAllByTestId('logs-row'))[1]!)
    expect(await screen.findByTestId('log-email-status')).toHaveTextContent('accepted')
    await waitFor(() => expect(screen.getByTestId('log-email-status')).toHaveTextContent('sent'), {
      timeout: 6_000,
    })
  }, 15_000)

  it('loads the next keyset page when the end of the list is in view', async () => {
    let page = 0
    const { bridge } = setup({
      'logs:search': () => {
        page += 1
        return page === 1
          ? { entries: [entry(9), entry(8)], nextCursor: '8:8', notice: null, tookMs: 1 }
          : { entries: [entry(7)], nextCursor: null, notice: null, tookMs: 1 }
      },
    })
    await waitFor(() => expect(screen.getAllByTestId('logs-row')).toHaveLength(3))
    expect(searchCalls(bridge)[1]).toMatchObject({ cursor: '8:8' })
    expect(screen.getByText(/End of the results/)).toBeInTheDocument()
  })

  it('says when a query was searched as plain words', async () => {
    setup({
      'logs:search': () => ({
        entries: [],
        nextCursor: null,
        notice: 'Search syntax not understood: searched as plain text',
        tookMs: 1,
      }),
    })
    expect(await screen.findByTestId('logs-notice')).toHaveTextContent('plain text')
    expect(screen.getByTestId('list-empty')).toHaveTextContent('No log entries in this time range')
  })

  it('shows a failed search as an error, not as an empty list', async () => {
    setup({
      'logs:search': () => {
        throw new Error('The log database is damaged')
      },
    })
    expect(await screen.findByTestId('logs-error')).toHaveTextContent('damaged')
    expect(screen.queryByTestId('list-empty')).not.toBeInTheDocument()
  })

  it('offers a fresh database when the store is damaged', async () => {
    const { bridge } = setup({
      'logs:status': () =>
        status({
          state: 'failed',
          lastError: { kind: 'corrupt', message: 'The log database is damaged', at: 0 },
        }),
      'logs:reset-db': () => ({ keptAs: '/data/logs.db.old-1', status: status() }),
    })
    expect(await screen.findByTestId('store-alert')).toHaveTextContent('damaged')
    await userEvent.click(screen.getByTestId('store-reset'))
    await userEvent.click(await screen.findByRole('button', { name: 'Start fresh' }))
    expect(bridge.call).toHaveBeenCalledWith('logs:reset-db', {})
    expect(await screen.findByText(/kept as \/data\/logs.db.old-1/)).toBeInTheDocument()
  })

  it('shows an older file’s upgrade with its progress, not as a fault', async () => {
    setup({
      'logs:status': () =>
        status({
          state: 'upgrading',
          upgrade: {
            message: 'log store: indexing the time order for faster search, 45%',
            fraction: 0.45,
          },
        }),
    })
    const alert = await screen.findByTestId('store-upgrade')
    expect(alert).toHaveTextContent('indexing the time order for faster search, 45%')
    expect(screen.getByRole('progressbar', { name: 'Log database upgrade, 45%' })).toHaveAttribute(
      'aria-valuenow',
      '45',
    )
    expect(screen.queryByTestId('store-reset')).not.toBeInTheDocument()
    expect(screen.getByTestId('store-badge')).toHaveTextContent('Store upgrading')
    expect(statusPollMs(status({ state: 'upgrading' }))).toBeLessThan(statusPollMs(status()))
  })

  it('sets the retention from the store badge', async () => {
    const { bridge } = setup({ 'logs:set-retention': (input) => input })
    await userEvent.click(await screen.findByTestId('store-badge'))
    const days = await screen.findByTestId('retention-days')
    await userEvent.clear(days)
    await userEvent.type(days, '7')
    await userEvent.click(screen.getByTestId('retention-save'))
    await waitFor(() =>
      expect(bridge.call).toHaveBeenCalledWith('logs:set-retention', {
        maxAgeDays: 7,
        maxSizeMb: 2048,
      }),
    )
  })

  it('exports every result in chunks to one download', async () => {
    const created = captureDownloads()
    let chunk = 0
    const { bridge } = setup({
      'logs:export': () => {
        chunk += 1
        return chunk === 1
          ? { chunk: '{"id":2}\n', rows: 1, nextCursor: 'c1' }
          : { chunk: '{"id":1}\n', rows: 1, nextCursor: null }
      },
    })
    await screen.findAllByTestId('logs-row')
    await userEvent.click(screen.getByRole('button', { name: 'Export' }))
    await userEvent.click(await screen.findByText('JSON lines (.jsonl)'))
    await waitFor(() => expect(created).toHaveLength(1))
    expect(await readBlob(created[0]!)).toBe('{"id":2}\n{"id":1}\n')
    const exports = bridge.call.mock.calls.filter(([channel]) => channel === 'logs:export')
    expect(exports[1]![1]).toMatchObject({ format: 'jsonl', cursor: 'c1' })
  })

  it('marks the words of the search in each result, keeping markup as text', async () => {
    const line = entry(3, {
      status: null,
      subject: null,
      text: '<script>alert("zebra")</script> Zebras and a zebra-crossing, not zebrafish',
    })
    setup({
      'logs:search': () => ({ entries: [line], nextCursor: null, notice: null, tookMs: 1 }),
    })
    const input = screen.getByTestId('logs-search')
    fireEvent.change(input, { target: { value: 'zebra NOT alert' } })
    fireEvent.keyDown(input, { key: 'Enter' })
    await waitFor(() =>
      expect(screen.getByTestId('logs-row').querySelectorAll('mark')).toHaveLength(2),
    )
    const row = screen.getByTestId('logs-row')
    // Whole words only (as the store matches them); "alert" is excluded by NOT.
    expect([...row.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['zebra', 'zebra'])
    expect(row.querySelector('script')).toBeNull()
    expect(row).toHaveTextContent('<script>alert("zebra")</script>')
  })
})
