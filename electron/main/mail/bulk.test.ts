import { describe, expect, it, vi } from 'vitest'
import { MaildockError, type BulkSendProgress, type Compose } from '../../../shared/contract'
import { BulkSender } from './bulk'

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

describe('BulkSender', () => {
  it('sends the good rows, reports each bad row with its reason, and fills the template', async () => {
    const sent: { email: Compose; key: string }[] = []
    const sender = new BulkSender({
      send: (email, key) => {
        sent.push({ email, key })
        return Promise.resolve({ id: key, acceptedAt: Date.now() })
      },
    })
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
    expect(byRow[2]).toMatchObject({ status: 'accepted', emailId: `${started.batchId}-r2` })
    expect(byRow[3]?.error).toBe('to "not-an-address": is not a valid email address')
    expect(byRow[4]?.error).toBe('no recipient in column "email"')
    expect(byRow[5]?.error).toBe('subject: must not contain CR or LF')
    expect(byRow[6]?.error).toBe('row 6 has 2 cells where the header has 3')
    expect(sent.map((s) => s.email.subject).sort()).toEqual(['Hello Ann', 'Hello Fay'])
    expect(sent.find((s) => s.email.to[0] === 'ann@example.org')?.email.text).toBe(
      'Dear Ann, your code is 1.',
    )
  })

  it('escapes CSV values in the HTML part, and puts them in raw only with {{{name}}}', async () => {
    const sent: Compose[] = []
    const sender = new BulkSender({
      send: (email, key) => {
        sent.push(email)
        return Promise.resolve({ id: key, acceptedAt: Date.now() })
      },
    })
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
    expect(sent[0]?.html).toBe(
      '<p>Dear &lt;a href=https://evil.example&gt;Reset&lt;/a&gt; &amp; &#39;co&#39;</p><b>VIP</b>',
    )
    expect(sent[0]?.text).toBe(`Dear ${link} & 'co'`)
  })

  it('retries a row while the API is briefly unavailable, with the same key, then gives up', async () => {
    let calls = 0
    const keys = new Set<string>()
    const send = vi.fn((_email: Compose, key: string) => {
      calls += 1
      keys.add(key)
      if (calls < 3)
        return Promise.reject(new MaildockError('UNAVAILABLE', 'down', { retryable: true }))
      return Promise.resolve({ id: key, acceptedAt: 0 })
    })
    const sender = new BulkSender({ send, retryDelayMs: 1, concurrency: 1 })
    const started = sender.start({ csv: csvWith(['a@x.org,A,1']), mapping, template })
    expect(await finished(sender, started.batchId)).toMatchObject({ accepted: 1, failed: 0 })
    expect(calls).toBe(3)
    expect(keys.size).toBe(1)

    const refusing = new BulkSender({
      send: () =>
        Promise.reject(
          new MaildockError('INVALID_INPUT', "The stack's API refused the email: nope"),
        ),
      retryDelayMs: 1,
    })
    const second = refusing.start({ csv: csvWith(['a@x.org,A,1']), mapping, template })
    await finished(refusing, second.batchId)
    expect(refusing.result(second.batchId).rows[0]).toMatchObject({
      status: 'failed',
      error: "The stack's API refused the email: nope",
    })
  })

  it('refuses a mapping or a template that names a column the CSV lacks', () => {
    const sender = new BulkSender({ send: () => Promise.reject(new Error('unused')) })
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
    const sent: Compose[] = []
    const sender = new BulkSender({
      send: (email, key) => {
        sent.push(email)
        return Promise.resolve({ id: key, acceptedAt: 0 })
      },
    })
    const csv = csvWith(['a@x.org,A,1'])
    expect(() => sender.start({ csv, mapping, template: { subject: ' ', text: '' } })).toThrow(
      'has neither a subject nor a body',
    )
    expect(sent).toEqual([])
    await finished(sender, sender.start({ csv, mapping, template, name: 'spring' }).batchId)
    expect(sent[0]?.tags).toEqual(['spring'])
  })

  it('cancels the rows not sent yet', async () => {
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const sender = new BulkSender({
      send: async (_email, key) => {
        await gate
        return { id: key, acceptedAt: 0 }
      },
      concurrency: 1,
    })
    const rows = Array.from({ length: 5 }, (_, i) => `u${i}@x.org,U,${i}`)
    const started = sender.start({ csv: csvWith(rows), mapping, template })
    sender.cancel(started.batchId)
    release()
    const done = await finished(sender, started.batchId)
    expect(done).toMatchObject({ state: 'cancelled', accepted: 1, pending: 0 })
    expect(
      sender.result(started.batchId).rows.filter((row) => row.status === 'cancelled'),
    ).toHaveLength(4)
  })
})
