import {
  outcomeEventId,
  WIRE_VERSION,
  type EmailRequest,
  type MailMessage,
  type OutcomeEvent,
} from '../../shared/messages'

/*
 * Mail messages in the exact shape of shared/messages, for tests and benchmarks. Email i goes to
 * user<i % recipients>@example.com and its subject holds word<i % words>, so a search's expected
 * rows can be counted without the store.
 */

export interface FixtureShape {
  recipients: number
  words: number
  /** Milliseconds between two emails. */
  spacingMs: number
  start: number
}

export const DEFAULT_SHAPE: FixtureShape = {
  recipients: 50,
  words: 100,
  spacingMs: 10,
  start: Date.UTC(2025, 0, 1),
}

export const fixtureRecipient = (i: number, shape = DEFAULT_SHAPE): string =>
  `user${i % shape.recipients}@example.com`

export const fixtureWord = (i: number, shape = DEFAULT_SHAPE): string =>
  `topic${String.fromCharCode(97 + ((i % shape.words) % 26))}${Math.floor((i % shape.words) / 26)}x`

export function fixtureRequest(i: number, shape = DEFAULT_SHAPE): EmailRequest {
  return {
    v: WIRE_VERSION,
    id: `email-${i}`,
    to: [fixtureRecipient(i, shape)],
    cc: [],
    bcc: [],
    subject: `Invoice ${fixtureWord(i, shape)} number ${i}`,
    text: `Hello, this is message ${i}.`,
    createdAt: new Date(shape.start + i * shape.spacingMs).toISOString(),
  }
}

/** accepted, then sent (or retrying then failed for every 10th email). */
export function fixtureEvents(i: number, shape = DEFAULT_SHAPE): OutcomeEvent[] {
  const emailId = `email-${i}`
  const at = (offset: number): string =>
    new Date(shape.start + i * shape.spacingMs + offset).toISOString()
  const base = { v: WIRE_VERSION, emailId, replica: 'emailer-1' } as const
  const accepted: OutcomeEvent = {
    ...base,
    service: 'api',
    type: 'accepted',
    eventId: outcomeEventId(emailId, 'accepted'),
    at: at(1),
    recipients: 1,
  }
  if (i % 10 === 9) {
    return [
      accepted,
      {
        ...base,
        service: 'emailer',
        type: 'retrying',
        eventId: outcomeEventId(emailId, 'retrying', 1),
        at: at(2),
        attempt: 1,
        reason: 'connection refused',
        nextDelayMs: 5_000,
        retryAt: at(5_002),
      },
      {
        ...base,
        service: 'emailer',
        type: 'failed',
        eventId: outcomeEventId(emailId, 'failed'),
        at: at(5_003),
        attempt: 2,
        reason: 'mailbox unavailable',
        smtpCode: 550,
        permanent: true,
      },
    ]
  }
  return [
    accepted,
    {
      ...base,
      service: 'emailer',
      type: 'sent',
      eventId: outcomeEventId(emailId, 'sent'),
      at: at(3),
      attempt: 1,
      durationMs: 12,
      smtp: {
        response: '250 OK queued',
        messageId: `<${emailId}@maildock>`,
        accepted: [fixtureRecipient(i, shape)],
        rejected: [],
      },
    },
  ]
}

/** Every message of email i: its request and its events. */
export function fixtureMessages(
  i: number,
  shape = DEFAULT_SHAPE,
): Array<EmailRequest | OutcomeEvent> {
  return [fixtureRequest(i, shape), ...fixtureEvents(i, shape)]
}

/** A fixture message in the one mail shape the store and the tracker take. */
export const toMail = (message: EmailRequest | OutcomeEvent): MailMessage =>
  'eventId' in message ? { kind: 'event', event: message } : { kind: 'request', request: message }
