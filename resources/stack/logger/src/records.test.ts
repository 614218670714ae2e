import { describe, expect, it } from 'vitest'
import {
  encodeMessage,
  EXCHANGES,
  type EmailRequest,
  type OutcomeEvent,
} from '../../../../shared/messages'
import { toLogRecord } from './records'

const request: EmailRequest = {
  v: 1,
  id: 'mail-1',
  to: ['ada@example.com'],
  cc: [],
  bcc: [],
  subject: 'Hi',
  text: 'x'.repeat(100),
  createdAt: '2026-01-01T00:00:00.000Z',
}
const now = new Date('2026-01-01T00:00:01.000Z')

describe('toLogRecord', () => {
  it('records a request with its id and a clipped body', () => {
    const record = toLogRecord(
      {
        exchange: EXCHANGES.requests,
        routingKey: 'email.request',
        content: encodeMessage(request),
        messageId: 'mail-1',
        redelivered: false,
      },
      20,
      now,
    )
    expect(record).toMatchObject({
      kind: 'request',
      emailId: 'mail-1',
      msg: 'email.request',
      level: 30,
    })
    expect(record.kind === 'request' && record.request.text).toBe(
      `${'x'.repeat(20)}… [80 more chars]`,
    )
  })

  it('records an outcome event, warning level for failures', () => {
    const event: OutcomeEvent = {
      v: 1,
      type: 'dead-lettered',
      eventId: 'mail-1.dead-lettered',
      emailId: 'mail-1',
      at: now.toISOString(),
      service: 'emailer',
      replica: 'e1',
      attempt: 1,
      reason: '550 rejected',
      queue: 'maildock.dead-letter',
    }
    const record = toLogRecord(
      {
        exchange: EXCHANGES.events,
        routingKey: 'email.dead-lettered',
        content: encodeMessage(event),
        messageId: event.eventId,
        redelivered: true,
      },
      100,
      now,
    )
    expect(record).toMatchObject({
      kind: 'event',
      eventType: 'dead-lettered',
      emailId: 'mail-1',
      level: 40,
      redelivered: true,
      time: now.toISOString(),
    })
  })

  it('keeps a message it cannot read, with the reason', () => {
    const record = toLogRecord(
      {
        exchange: EXCHANGES.events,
        routingKey: 'email.sent',
        content: Buffer.from('garbage'),
        messageId: undefined,
        redelivered: false,
      },
      100,
      now,
    )
    expect(record).toMatchObject({
      kind: 'invalid',
      error: 'body is not valid JSON',
      body: 'garbage',
    })
  })
})
