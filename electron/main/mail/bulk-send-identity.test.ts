import { describe, expect, it } from 'vitest'
import type { BulkSendProgress } from '../../../shared/contract'
import { idempotencyKeySchema } from '../../../shared/email-rules'
import type { BatchItem, SendBatch } from './api-client'
import { BulkSender } from './bulk'
import { checkBulk, newSendName, rowKey } from './bulk-rows'
import type { SendLedger, SendRecord, SendRecordRow } from './send-ledger'

const csv = 'email,name\nann@example.org,Ann\nnot-an-address,Bob\n,Cid\ndee@example.org,Dee\n'
const input = { csv, mapping: { to: 'email' }, template: { subject: 'Hi {{name}}', text: 'x' } }

function memoryLedger() {
  const sends = new Map<string, SendRecord>()
  const ledger: SendLedger = {
    open: (record) => void sends.set(record.name, structuredClone(record)),
    update: (name, rows: readonly SendRecordRow[]) => {
      const record = sends.get(name)
      for (const row of rows) {
        const index = record?.rows.findIndex((r) => r.row === row.row) ?? -1
        if (record !== undefined && index >= 0) record.rows[index] = { ...row }
      }
    },
    read: (name) => sends.get(name),
    outcomes: () => new Map(),
  }
  return { ledger, sends }
}

function finished(sender: BulkSender, batchId: string): Promise<BulkSendProgress> {
  return new Promise((resolve) => {
    const stop = sender.follow(batchId, (progress) => {
      if (progress.state === 'running') return
      queueMicrotask(() => stop())
      resolve(progress)
    })
  })
}

describe('a send’s identity', () => {
  it('gives each row a key from the send name alone, valid as an Idempotency-Key', () => {
    expect(rowKey('spring-news', 7)).toBe('spring-news-r7')
    expect(rowKey('spring-news', 7)).toBe(rowKey('spring-news', 7))
    const spaced = rowKey('Spring news / 2026', 2)
    expect(spaced).toMatch(/^Spring_news_2026-[0-9a-f]{8}-r2$/)
    expect(rowKey('Spring news_2026', 2)).not.toBe(rowKey('Spring news / 2026', 2))
    expect(idempotencyKeySchema.safeParse(rowKey('é'.repeat(100), 100_000)).success).toBe(true)
    expect(newSendName(new Date('2026-12-01T15:15:02Z'))).toMatch(
      /^send-20261201-151502-[0-9a-f]{6}$/,
    )
  })

  it('checks every row before sending: valid count and each skipped row with its reason', () => {
    expect(checkBulk(input)).toEqual({
      total: 4,
      valid: 2,
      invalidCount: 2,
      invalid: [
        {
          row: 3,
          to: 'not-an-address',
          error: 'to "not-an-address": is not a valid email address',
        },
        { row: 4, error: 'no recipient in column "email"' },
      ],
    })
  })

  it('a second start of a running send returns it; a later one reuses the same keys', async () => {
    const requests: BatchItem[][] = []
    let release = () => {}
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const send: SendBatch = async (items) => {
      requests.push([...items])
      await gate
      return items.map((item) => ({ status: 'accepted' as const, id: item.idempotencyKey }))
    }
    const { ledger, sends } = memoryLedger()
    const sender = new BulkSender({ open: () => Promise.resolve(send), ledger })
    const first = sender.start({ ...input, name: 'news' })
    const second = sender.start({ ...input, name: 'news' })
    expect(second.batchId).toBe(first.batchId)
    release()
    await finished(sender, first.batchId)
    const again = sender.start({ ...input, name: 'news' })
    await finished(sender, again.batchId)
    expect(requests.flat().map((item) => item.idempotencyKey)).toEqual([
      'news-r2',
      'news-r5',
      'news-r2',
      'news-r5',
    ])
    expect(sends.get('news')?.rows).toEqual([
      { row: 2, to: 'ann@example.org', emailId: 'news-r2', status: 'accepted', error: null },
      {
        row: 3,
        to: 'not-an-address',
        emailId: null,
        status: 'invalid',
        error: 'to "not-an-address": is not a valid email address',
      },
      {
        row: 4,
        to: null,
        emailId: null,
        status: 'invalid',
        error: 'no recipient in column "email"',
      },
      { row: 5, to: 'dee@example.org', emailId: 'news-r5', status: 'accepted', error: null },
    ])
  })
})
