import { describe, expect, it } from 'vitest'
import { MaildockError, type BulkSendProgress, type BulkSendResult } from '../../../shared/contract'
import type { BatchItem, BatchOutcome, SendBatch } from './api-client'
import { BulkSender } from './bulk'
import type { SendRecordRow } from './send-ledger'

const template = { subject: 'Hello {{name}}', text: 'Dear {{name}}, your code is {{code}}.' }
const mapping = { to: 'email' }

function csvWith(rows: string[]): string {
  return ['email,name,code', ...rows].join('\n')
}

async function finished(sender: BulkSender, batchId: string): Promise<BulkSendProgress> {
  return new Promise((resolve) => {
    const stop = sender.follow(batchId, (progress) => {
      if (progress.state !== 'running') {
        queueMicrotask(() => stop())
        resolve(progress)
      }
    })
  })
}

/** A fake API: answers each item with `answer`, records every request and each open. */
function fakeApi(answer: (item: BatchItem, call: number) => BatchOutcome) {
  const requests: BatchItem[][] = []
  let opens = 0
  const open = (): Promise<SendBatch> => {
    opens += 1
    return Promise.resolve((items) => {
      requests.push([...items])
      return Promise.resolve(items.map((item) => answer(item, requests.length)))
    })
  }
  return { open, requests, opens: () => opens }
}

const acceptAll = (item: BatchItem): BatchOutcome => ({
  status: 'accepted',
  id: item.idempotencyKey,
})

describe('BulkSender', () => {
  it('sends the good rows in batches, reports each bad row with its reason, and fills the template', async () => {
    const api = fakeApi(acceptAll)
    const sender = new BulkSender({ open: api.open, batchSize: 1 })
    const csv = csvWith([
      'ann@example.org,Ann,1',
      'not-an-address,Bob,2',
      ',Cid,3',
      '"dee@example.org","Dee\nDee",4',
      'eve@example.org,Eve',
      'fay@example.org,Fay,6',
    ])
    const started = sender.start({ csv, mapping, template })
    expect(started).toMatchObject({ total: 6, invalid: 4, pending: 2, state: 'running' })
    const done = await finished(sender, started.batchId)
    expect(done).toMatchObject({ state: 'done', accepted: 2, invalid: 4, failed: 0, pending: 0 })
    const result = sender.result(started.batchId)
    const byRow = Object.fromEntries(result.rows.map((row) => [row.row, row]))
    expect(byRow[2]).toMatchObject({ status: 'accepted', emailId: `${started.name}-r2` })
    expect(byRow[3]?.error).toBe('to "not-an-address": is not a valid email address')
    expect(byRow[4]?.error).toBe('no recipient in column "email"')
    expect(byRow[5]?.error).toBe('subject: must not contain CR or LF')
    expect(byRow[6]?.error).toBe('row 6 has 2 cells where the header has 3')
    const sent = api.requests.flat()
    expect(sent.map((s) => s.email.subject).sort()).toEqual(['Hello Ann', 'Hello Fay'])
    expect(sent.find((s) => s.email.to[0] === 'ann@example.org')?.email.text).toBe(
      'Dear Ann, your code is 1.',
    )
    expect(api.requests).toHaveLength(2)
  })

  it('escapes CSV values in the HTML part, and puts them in raw only with {{{name}}}', async () => {
    const api = fakeApi(acceptAll)
    const sender = new BulkSender({ open: api.open })
    const link = '<a href=https://evil.example>Reset</a>'
    const started = sender.start({
      csv: ['email,name,badge', `ann@example.org,"${link} & 'co'",<b>VIP</b>`].join('\n'),
      mapping,
      template: {
        subject: 'Hi {{name}}',
        text: 'Dear {{name}}',
        html: '<p>Dear {{ name }}</p>{{{badge}}}',
      },
    })
    await finished(sender, started.batchId)
    const sent = api.requests.flat().map((item) => item.email)
    expect(sent[0]?.html).toBe(
      '<p>Dear &lt;a href=https://evil.example&gt;Reset&lt;/a&gt; &amp; &#39;co&#39;</p><b>VIP</b>',
    )
    expect(sent[0]?.text).toBe(`Dear ${link} & 'co'`)
  })

  it('looks the endpoints up once per send and packs rows into batches of batchSize', async () => {
    const api = fakeApi(acceptAll)
    const sender = new BulkSender({ open: api.open, batchSize: 40, concurrency: 3 })
    const rows = Array.from({ length: 100 }, (_, i) => `u${i}@x.org,U,${i}`)
    const started = sender.start({ csv: csvWith(rows), mapping, template })
    expect(await finished(sender, started.batchId)).toMatchObject({ accepted: 100, failed: 0 })
    expect(api.opens()).toBe(1)
    expect(api.requests.map((request) => request.length).sort()).toEqual([20, 40, 40])
    const keys = new Set(api.requests.flat().map((item) => item.idempotencyKey))
    expect(keys.size).toBe(100)
  })

  it('sends the first batch before the rest of a long file is checked, and reports its bad rows as it finds them', async () => {
    const checkedAtFirstSend: string[] = []
    const requests: number[] = []
    let result: () => BulkSendResult = () => {
      throw new Error('not started')
    }
    const send: SendBatch = (items) => {
      if (requests.length === 0) checkedAtFirstSend.push(result().rows.at(-1)?.status ?? '')
      requests.push(items.length)
      return Promise.resolve(items.map(acceptAll))
    }
    const updates: SendRecordRow[] = []
    const sender = new BulkSender({
      open: () => Promise.resolve(send),
      batchSize: 300,
      ledger: {
        open: () => {},
        update: (_name, rows) => void updates.push(...rows),
        read: () => undefined,
        outcomes: () => new Map(),
      },
    })
    const rows = Array.from({ length: 1500 }, (_, i) =>
      i === 1200 ? 'not-an-address,U,1' : `u${i}@x.org,U,${i}`,
    )
    const started = sender.start({ csv: csvWith(rows), mapping, template })
    result = () => sender.result(started.batchId)
    expect(started).toMatchObject({ total: 1500, invalid: 0, pending: 1500 })
    const done = await finished(sender, started.batchId)
    expect(checkedAtFirstSend).toEqual(['pending'])
    expect(done).toMatchObject({ accepted: 1499, invalid: 1, failed: 0, pending: 0 })
    expect(requests).toEqual([300, 300, 300, 300, 299])
    expect(result().rows[1200]).toMatchObject({
      row: 1202,
      status: 'invalid',
      error: 'to "not-an-address": is not a valid email address',
    })
    expect(result().rows.filter((row) => row.status === 'accepted')).toHaveLength(1499)
    expect(updates.find((row) => row.row === 1202)).toMatchObject({ status: 'invalid' })
    expect(new Set(updates.map((row) => row.row)).size).toBe(1500)
  })

  it('sends again, with the same keys, only the rows the broker did not store', async () => {
    const api = fakeApi((item, call) =>
      item.email.to[0] === 'b@x.org' && call < 3
        ? { status: 'unavailable', message: 'broker away' }
        : item.email.to[0] === 'c@x.org'
          ? { status: 'rejected', message: "The stack's API refused the email: nope" }
          : acceptAll(item),
    )
    const sender = new BulkSender({ open: api.open, retryDelayMs: 1 })
    const csv = csvWith(['a@x.org,A,1', 'b@x.org,B,2', 'c@x.org,C,3'])
    const started = sender.start({ csv, mapping, template })
    expect(await finished(sender, started.batchId)).toMatchObject({ accepted: 2, failed: 1 })
    expect(api.requests.map((request) => request.map((item) => item.email.to[0]))).toEqual([
      ['a@x.org', 'b@x.org', 'c@x.org'],
      ['b@x.org'],
      ['b@x.org'],
    ])
    expect(new Set(api.requests.flat().map((item) => item.idempotencyKey)).size).toBe(3)
    expect(sender.result(started.batchId).rows[2]).toMatchObject({
      status: 'failed',
      error: "The stack's API refused the email: nope",
    })
  })

  it('retries a whole batch while the API is briefly unavailable, then gives up', async () => {
    let calls = 0
    const flaky: SendBatch = (items) => {
      calls += 1
      if (calls < 3)
        return Promise.reject(new MaildockError('UNAVAILABLE', 'down', { retryable: true }))
      return Promise.resolve(items.map(acceptAll))
    }
    const sender = new BulkSender({ open: () => Promise.resolve(flaky), retryDelayMs: 1 })
    const started = sender.start({ csv: csvWith(['a@x.org,A,1']), mapping, template })
    expect(await finished(sender, started.batchId)).toMatchObject({ accepted: 1, failed: 0 })
    expect(calls).toBe(3)

    const down: SendBatch = () =>
      Promise.reject(new MaildockError('UNAVAILABLE', 'still down', { retryable: true }))
    const giving = new BulkSender({
      open: () => Promise.resolve(down),
      retryDelayMs: 1,
      attempts: 2,
    })
    const second = giving.start({ csv: csvWith(['a@x.org,A,1']), mapping, template })
    await finished(giving, second.batchId)
    expect(giving.result(second.batchId).rows[0]).toMatchObject({
      status: 'failed',
      error: 'still down',
    })
  })

  it('fails every row with the reason when the stack cannot be found', async () => {
    const sender = new BulkSender({
      open: () => Promise.reject(new MaildockError('UNAVAILABLE', 'The stack is not running')),
    })
    const started = sender.start({
      csv: csvWith(['a@x.org,A,1', 'b@x.org,B,2']),
      mapping,
      template,
    })
    expect(await finished(sender, started.batchId)).toMatchObject({ failed: 2, accepted: 0 })
    expect(sender.result(started.batchId).rows[1]?.error).toBe('The stack is not running')
  })

  it('refuses a mapping or a template that names a column the CSV lacks', () => {
    const sender = new BulkSender({ open: () => Promise.reject(new Error('unused')) })
    expect(() =>
      sender.start({ csv: csvWith(['a@x.org,A,1']), mapping: { to: 'mail' }, template }),
    ).toThrow('The CSV has no column "mail"')
    expect(() =>
      sender.start({
        csv: csvWith(['a@x.org,A,1']),
        mapping,
        template: { subject: '{{city}}', text: '' },
      }),
    ).toThrow('The template uses {{city}}, which is not a column')
  })

  it('refuses a template with neither a subject nor a body, and tags each email with the name', async () => {
    const api = fakeApi(acceptAll)
    const sender = new BulkSender({ open: api.open })
    const csv = csvWith(['a@x.org,A,1'])
    expect(() => sender.start({ csv, mapping, template: { subject: ' ', text: '' } })).toThrow(
      'has neither a subject nor a body',
    )
    expect(api.requests).toEqual([])
    await finished(sender, sender.start({ csv, mapping, template, name: 'spring' }).batchId)
    expect(api.requests[0]?.[0]?.email.tags).toEqual(['spring'])
  })

  it('cancels the rows not sent yet', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    let entered = () => {}
    const sending = new Promise<void>((resolve) => {
      entered = resolve
    })
    const gated: SendBatch = async (items) => {
      entered()
      await gate
      return items.map(acceptAll)
    }
    const sender = new BulkSender({
      open: () => Promise.resolve(gated),
      concurrency: 1,
      batchSize: 1,
    })
    const rows = Array.from({ length: 5 }, (_, i) => `u${i}@x.org,U,${i}`)
    const started = sender.start({ csv: csvWith(rows), mapping, template })
    await sending
    sender.cancel(started.batchId)
    release()
    const done = await finished(sender, started.batchId)
    expect(done).toMatchObject({ state: 'cancelled', accepted: 1, pending: 0 })
    expect(
      sender.result(started.batchId).rows.filter((row) => row.status === 'cancelled'),
    ).toHaveLength(4)
  })
})
