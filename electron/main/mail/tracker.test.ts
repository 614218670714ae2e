import { afterEach, describe, expect, it } from 'vitest'
import type { FailureAlert } from '../../../shared/contract'
import type { EmailRequest, OutcomeEvent } from '../../../shared/messages'
import { MailTracker } from './tracker'

const t0 = Date.parse('2026-01-01T10:00:00Z')
const iso = (offsetMs: number) => new Date(t0 + offsetMs).toISOString()
const base = (emailId: string, type: OutcomeEvent['type'], at: number, attempt?: number) => ({
  v: 1 as const,
  eventId:
    attempt === undefined || type !== 'retrying'
      ? `${emailId}.${type}`
      : `${emailId}.${type}.${attempt}`,
  emailId,
  at: iso(at),
  service: type === 'accepted' ? ('api' as const) : ('emailer' as const),
  replica: 'r1',
})

function request(id: string, at = 0, to = ['ann@example.org']): EmailRequest {
  return { v: 1, id, to, cc: [], bcc: [], subject: `Subject ${id}`, text: 'hi', createdAt: iso(at) }
}
const accepted = (id: string, at: number): OutcomeEvent => ({
  ...base(id, 'accepted', at),
  type: 'accepted',
  recipients: 1,
})
const sent = (id: string, at: number, attempt = 1): OutcomeEvent => ({
  ...base(id, 'sent', at),
  type: 'sent',
  attempt,
  durationMs: 12,
  smtp: {
    response: '250 2.0.0 Ok: queued as X',
    messageId: `<${id}@maildock.local>`,
    accepted: ['ann@example.org'],
    rejected: [],
  },
})
const retrying = (id: string, at: number, attempt: number): OutcomeEvent => ({
  ...base(id, 'retrying', at, attempt),
  type: 'retrying',
  attempt,
  reason: 'ECONNECTION: connect ECONNREFUSED',
  nextDelayMs: 5000,
  retryAt: iso(at + 5000),
})
const failed = (id: string, at: number): OutcomeEvent => ({
  ...base(id, 'failed', at),
  type: 'failed',
  attempt: 1,
  reason: '550 5.1.1 mailbox unavailable',
  smtpCode: 550,
  permanent: true,
})
const deadLettered = (id: string, at: number, round = 0): OutcomeEvent => ({
  ...base(id, 'dead-lettered', at),
  ...(round > 0 ? { eventId: `${id}.dead-lettered.r${round}` } : {}),
  type: 'dead-lettered',
  attempt: 1,
  reason: '550 5.1.1 mailbox unavailable',
  queue: 'maildock.dead-letter',
})

const retried = (id: string, at: number, round: number): OutcomeEvent => ({
  ...base(id, 'retried', at),
  eventId: `${id}.retried.r${round}`,
  service: 'maildock',
  type: 'retried',
  round,
  queue: 'maildock.emailer',
})

let tracker: MailTracker
afterEach(() => tracker.close())

describe('MailTracker', () => {
  it('builds the timeline in time order whatever order the events arrive in', () => {
    tracker = new MailTracker()
    tracker.apply({ kind: 'event', event: sent('e1', 3000, 2) })
    tracker.apply({ kind: 'event', event: retrying('e1', 2000, 1) })
    tracker.apply({ kind: 'request', request: request('e1') })
    tracker.apply({ kind: 'event', event: accepted('e1', 10) })
    const { email, entries } = tracker.timeline('e1')
    expect(entries.map((entry) => entry.kind)).toEqual([
      'accepted',
      'queued',
      'attempt-failed',
      'sent',
    ])
    expect(entries[2]?.title).toBe('Attempt 1 failed')
    expect(entries[3]?.detail).toBe('250 2.0.0 Ok: queued as X')
    expect(email).toMatchObject({
      status: 'sent',
      attempts: 2,
      to: ['ann@example.org'],
      subject: 'Subject e1',
    })
  })

  it('puts accepted and queued before the attempts even when the emailer was faster', () => {
    tracker = new MailTracker()
    tracker.apply({ kind: 'request', request: request('e9', 0) })
    tracker.apply({ kind: 'event', event: failed('e9', 5) })
    tracker.apply({ kind: 'event', event: accepted('e9', 8) })
    tracker.apply({ kind: 'event', event: deadLettered('e9', 6) })
    expect(tracker.timeline('e9').entries.map((entry) => entry.kind)).toEqual([
      'accepted',
      'queued',
      'failed',
      'dead-lettered',
    ])
  })

  it('counts each event once when it is delivered twice', () => {
    tracker = new MailTracker()
    tracker.apply({ kind: 'request', request: request('e2') })
    tracker.apply({ kind: 'event', event: retrying('e2', 100, 1) })
    tracker.apply({ kind: 'event', event: retrying('e2', 100, 1) })
    tracker.apply({ kind: 'request', request: request('e2') })
    expect(tracker.timeline('e2').entries).toHaveLength(2)
    expect(tracker.timeline('e2').email.status).toBe('retrying')
  })

  it('marks a permanent failure failed with the SMTP reply and alerts once, live only', () => {
    tracker = new MailTracker()
    const alerts: FailureAlert[] = []
    tracker.onAlert((alert) => alerts.push(alert))
    tracker.apply({ kind: 'request', request: request('old') }, false)
    tracker.apply({ kind: 'event', event: deadLettered('old', 50) }, false)
    tracker.apply({ kind: 'request', request: request('e3') })
    tracker.apply({ kind: 'event', event: failed('e3', 100) })
    tracker.apply({ kind: 'event', event: deadLettered('e3', 101) })
    tracker.apply({ kind: 'event', event: deadLettered('e3', 101) })
    expect(tracker.timeline('e3').email).toMatchObject({
      status: 'failed',
      smtpCode: 550,
      deadLettered: true,
      detail: '550 5.1.1 mailbox unavailable',
    })
    expect(alerts.map((alert) => alert.emailId)).toEqual(['e3'])
  })

  it('shows sent after a retry from the dead-letter queue succeeds', () => {
    tracker = new MailTracker()
    tracker.apply({ kind: 'event', event: failed('e4', 100) })
    tracker.apply({ kind: 'event', event: deadLettered('e4', 101) })
    tracker.apply({ kind: 'event', event: sent('e4', 9000) })
    expect(tracker.timeline('e4').email.status).toBe('sent')
  })

  it('shows a retry by hand as its own step, queued again and no longer dead-lettered', () => {
    tracker = new MailTracker()
    const alerts: FailureAlert[] = []
    tracker.onAlert((alert) => alerts.push(alert))
    tracker.apply({ kind: 'event', event: failed('e6', 100) })
    tracker.apply({ kind: 'event', event: deadLettered('e6', 101) })
    tracker.apply({ kind: 'event', event: retried('e6', 5000, 1) })
    expect(tracker.timeline('e6').email).toMatchObject({ status: 'queued', deadLettered: false })
    expect(tracker.timeline('e6').email).not.toHaveProperty('smtpCode')
    // The round keeps the second failure apart from the first, and it counts and alerts again.
    tracker.apply({ kind: 'event', event: deadLettered('e6', 6000, 1) })
    expect(tracker.timeline('e6').email).toMatchObject({ status: 'failed', deadLettered: true })
    expect(alerts).toHaveLength(2)
    tracker.apply({ kind: 'event', event: retried('e6', 7000, 2) })
    tracker.apply({ kind: 'event', event: sent('e6', 8000) })
    const { email, entries } = tracker.timeline('e6')
    expect(email).toMatchObject({ status: 'sent', deadLettered: false })
    expect(entries.map((entry) => entry.kind)).toEqual([
      'failed',
      'dead-lettered',
      'retried',
      'dead-lettered',
      'retried',
      'sent',
    ])
    expect(entries[2]?.title).toBe('Retried by you from the dead-letter queue')
    expect(entries[4]?.detail).toContain('manual retry 2')
  })

  it('keeps a dead letter cleared when its retry arrives before the older dead-letter event', () => {
    tracker = new MailTracker()
    tracker.apply({ kind: 'event', event: retried('e7', 5000, 1) })
    tracker.apply({ kind: 'event', event: deadLettered('e7', 101) })
    expect(tracker.timeline('e7').email).toMatchObject({ status: 'queued', deadLettered: false })
  })

  it('lists recent emails newest first, filtered by status and search, with counts', () => {
    tracker = new MailTracker()
    for (let i = 0; i < 5; i += 1)
      tracker.apply({ kind: 'request', request: request(`r${i}`, i * 1000, [`user${i}@x.org`]) })
    tracker.apply({ kind: 'event', event: sent('r1', 1500) })
    tracker.apply({ kind: 'event', event: sent('r3', 3500) })
    tracker.apply({ kind: 'event', event: failed('r4', 4500) })
    const all = tracker.recent({ limit: 3 })
    expect(all.emails.map((email) => email.id)).toEqual(['r4', 'r3', 'r2'])
    expect(all.counts).toEqual({ total: 5, queued: 2, retrying: 0, sent: 2, failed: 1 })
    expect(tracker.recent({ status: 'sent', limit: 10 }).emails.map((e) => e.id)).toEqual([
      'r3',
      'r1',
    ])
    expect(tracker.recent({ search: 'USER2', limit: 10 }).emails.map((e) => e.id)).toEqual(['r2'])
  })

  it('sends batched changes with the new counts', async () => {
    tracker = new MailTracker({ flushEveryMs: 10 })
    const batches: string[][] = []
    tracker.onChanges((change) =>
      batches.push(change.emails.map((email) => `${email.id}:${email.status}`)),
    )
    tracker.apply({ kind: 'request', request: request('c1') })
    tracker.apply({ kind: 'event', event: sent('c1', 10) })
    tracker.apply({ kind: 'request', request: request('c2') })
    await new Promise((resolve) => setTimeout(resolve, 30))
    expect(batches).toEqual([['c1:sent', 'c2:queued']])
  })

  it('says when it knows nothing of an email', () => {
    tracker = new MailTracker()
    expect(() => tracker.timeline('nope')).toThrow('No events for email nope yet')
  })
})
