import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { outcomeEventId, WIRE_VERSION, type OutcomeEvent } from '../../../shared/messages'
import { fixtureMessages, toMail } from '../../../test/support/log-fixtures'
import { StoreSendLedger } from './sends'
import { openTempLogStore, type TempLogStore } from '../../../test/support/temp-log-store'
import { LogStore } from './store'

let temp: TempLogStore
let store: LogStore

beforeEach(() => {
  temp = openTempLogStore('maildock-sends-')
  store = temp.store
})

afterEach(() => temp.remove())

const row = (n: number, status: 'pending' | 'accepted' | 'invalid', emailId: string | null) => ({
  row: n,
  to: `user${n}@example.com`,
  emailId,
  status,
  error: status === 'invalid' ? 'bad' : null,
})

describe('sends in the log store', () => {
  it('keeps a send and its rows across a reopen, and joins its emails’ outcome events', async () => {
    // Email 8 is sent; email 9 is retried and fails (see log-fixtures).
    for (const i of [8, 9]) {
      await Promise.all(fixtureMessages(i).map((m) => store.ingestMail(toMail(m))))
    }
    const ledger = new StoreSendLedger(() => store.reader())
    ledger.open({
      name: 'news',
      kind: 'bulk',
      createdAt: 5,
      rows: [row(2, 'pending', null), row(3, 'invalid', null), row(4, 'pending', null)],
    })
    ledger.update('news', [row(2, 'accepted', 'email-8'), row(4, 'accepted', 'email-9')])
    await store.close()

    const reopened = new LogStore({ path: join(temp.dir, 'logs.db'), retentionDelayMs: 0 })
    const again = new StoreSendLedger(() => reopened.reader())
    expect(again.read('news')).toEqual({
      name: 'news',
      kind: 'bulk',
      createdAt: 5,
      rows: [row(2, 'accepted', 'email-8'), row(3, 'invalid', null), row(4, 'accepted', 'email-9')],
    })
    const outcomes = again.outcomes('news')
    expect(outcomes.get('email-8')).toMatchObject({ sent: true, retries: 0, failed: false })
    expect(outcomes.get('email-9')).toMatchObject({ sent: false, retries: 1, failed: true })
    expect(outcomes.get('email-9')?.detail).toEqual(expect.any(String))
    expect(again.read('other')).toBeUndefined()
    await reopened.close()
  })

  it('opening a send of the same name again replaces its rows', () => {
    const ledger = new StoreSendLedger(() => store.reader())
    ledger.open({
      name: 'n',
      kind: 'bulk',
      createdAt: 1,
      rows: [row(2, 'pending', null), row(3, 'pending', null)],
    })
    ledger.open({ name: 'n', kind: 'single', createdAt: 2, rows: [row(2, 'accepted', 'x')] })
    expect(ledger.read('n')).toEqual({
      name: 'n',
      kind: 'single',
      createdAt: 2,
      rows: [row(2, 'accepted', 'x')],
    })
  })

  it('a retry from the dead-letter queue undoes the dead letter until the email fails again', async () => {
    const emailId = 'email-dl'
    const base = { v: WIRE_VERSION, emailId, replica: 'emailer-1', service: 'emailer' } as const
    const at = (second: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString()
    const failed = (round: number): OutcomeEvent[] => [
      {
        ...base,
        type: 'failed',
        eventId: outcomeEventId(emailId, 'failed', undefined, round),
        at: at(round * 10 + 1),
        attempt: 1,
        reason: 'mailbox unavailable',
        smtpCode: 550,
        permanent: true,
      },
      {
        ...base,
        type: 'dead-lettered',
        eventId: outcomeEventId(emailId, 'dead-lettered', undefined, round),
        at: at(round * 10 + 2),
        attempt: 1,
        reason: 'mailbox unavailable',
        queue: 'emails.dead',
      },
    ]
    const retried: OutcomeEvent = {
      ...base,
      service: 'maildock',
      type: 'retried',
      eventId: outcomeEventId(emailId, 'retried', undefined, 1),
      at: at(5),
      round: 1,
      queue: 'emails',
    }
    const ingest = (events: OutcomeEvent[]) =>
      Promise.all(events.map((event) => store.ingestMail(toMail(event))))
    const ledger = new StoreSendLedger(() => store.reader())
    ledger.open({ name: 'dl', kind: 'single', createdAt: 1, rows: [row(2, 'accepted', emailId)] })

    await ingest(failed(0))
    expect(ledger.outcomes('dl').get(emailId)).toMatchObject({ deadLettered: true, failed: true })
    await ingest([retried])
    expect(ledger.outcomes('dl').get(emailId)).toMatchObject({
      deadLettered: false,
      failed: false,
      retries: 1,
    })
    await ingest(failed(1))
    expect(ledger.outcomes('dl').get(emailId)).toMatchObject({ deadLettered: true, failed: true })
  })
})
