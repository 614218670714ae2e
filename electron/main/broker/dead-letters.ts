import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import type { Channel, GetMessage } from 'amqplib'
import { MaildockError, type DeadLetter, type DeadLetterAction } from '../../../shared/contract'
import {
  decodeEmailRequest,
  encodeMessage,
  eventRoutingKey,
  EXCHANGES,
  HEADERS,
  outcomeEventId,
  QUEUES,
  retryRoundOf,
  WIRE_VERSION,
  type OutcomeEvent,
} from '../../../shared/messages'
import type { BrokerSession } from './connection'
import { ContractConfirmPublisher } from './publisher'
import { errorMessage } from '../../../shared/error-message'

/** Headers of a dead-lettered copy that a retried copy must not carry (it starts afresh). */
const FAILURE_HEADERS = [
  HEADERS.attempts,
  HEADERS.reason,
  HEADERS.smtpCode,
  HEADERS.failedAt,
  HEADERS.replica,
  'x-maildock-publish-id',
]

export const RETRIED_AT_HEADER = 'x-maildock-retried-at'

/** Reads the dead-letter queue without removing anything: every message read goes back. */
export async function listDeadLetters(
  session: BrokerSession,
  limit: number,
): Promise<{ total: number; messages: DeadLetter[] }> {
  const channel = await session.connection.createChannel()
  try {
    const { messageCount } = await channel.checkQueue(QUEUES.deadLetter)
    const messages: DeadLetter[] = []
    while (messages.length < Math.min(limit, messageCount)) {
      const message = await channel.get(QUEUES.deadLetter, { noAck: false })
      if (message === false) break
      messages.push(describeDeadLetter(message))
    }
    return { total: messageCount, messages }
  } finally {
    // Closing the channel returns the unacknowledged messages to the queue, in their order.
    await channel.close().catch(() => undefined)
  }
}

/**
 * Sends the selected messages back to the emailer's work queue, each confirmed before removal, in
 * a new retry round, and tells every subscriber (the timelines, the log store) that a person did.
 */
export function retryDeadLetters(
  session: BrokerSession,
  keys: string[],
): Promise<DeadLetterAction> {
  return actOnDeadLetters(session, keys, async (message, publisher) => {
    const headers: Record<string, unknown> = { ...message.properties.headers }
    for (const name of FAILURE_HEADERS) delete headers[name]
    const at = new Date().toISOString()
    const round = retryRoundOf(message.properties.headers) + 1
    headers[RETRIED_AT_HEADER] = at
    headers[HEADERS.round] = round
    const messageId = message.properties.messageId as unknown
    await publisher.publish('', QUEUES.emailer, message.content, {
      ...(typeof messageId === 'string' ? { messageId } : {}),
      headers,
      contentType: (message.properties.contentType as string | undefined) ?? 'application/json',
    })
    const request = decodeEmailRequest(message.content)
    if (!request.ok) return
    const event = retriedEvent(request.value.id, round, at)
    await publisher.publish(EXCHANGES.events, eventRoutingKey('retried'), encodeMessage(event), {
      messageId: event.eventId,
      type: eventRoutingKey('retried'),
    })
  })
}

function retriedEvent(emailId: string, round: number, at: string): OutcomeEvent {
  return {
    v: WIRE_VERSION,
    eventId: outcomeEventId(emailId, 'retried', undefined, round),
    emailId,
    at,
    service: 'maildock',
    replica: hostname(),
    type: 'retried',
    round,
    queue: QUEUES.emailer,
  }
}

export function discardDeadLetters(
  session: BrokerSession,
  keys: string[],
): Promise<DeadLetterAction> {
  return actOnDeadLetters(session, keys, () => Promise.resolve())
}

/**
 * Walks the queue once (as many messages as it held at the start), applies `act` to the selected
 * ones and acknowledges them; the others go back when the channel closes.
 */
async function actOnDeadLetters(
  session: BrokerSession,
  keys: string[],
  act: (message: GetMessage, publisher: ContractConfirmPublisher) => Promise<void>,
): Promise<DeadLetterAction> {
  const wanted = new Set(keys)
  const done: string[] = []
  const channel = await session.connection.createConfirmChannel()
  const publisher = new ContractConfirmPublisher(channel, 10_000)
  try {
    const { messageCount } = await channel.checkQueue(QUEUES.deadLetter)
    for (let seen = 0; seen < messageCount && wanted.size > 0; seen += 1) {
      const message = await channel.get(QUEUES.deadLetter, { noAck: false })
      if (message === false) break
      const key = deadLetterKey(message)
      if (!wanted.has(key)) continue
      await act(message, publisher)
      channel.ack(message)
      wanted.delete(key)
      done.push(key)
    }
    await waitForAcksSent(channel)
    return { done, missing: [...wanted] }
  } catch (error) {
    if (error instanceof MaildockError) throw error
    throw new MaildockError(
      'UNAVAILABLE',
      `The dead-letter queue could not be read: ${errorMessage(error)}`,
    )
  } finally {
    await channel.close().catch(() => undefined)
  }
}

/** A round trip after the acks, so they reached the broker before the channel closes. */
async function waitForAcksSent(channel: Channel): Promise<void> {
  await channel.checkQueue(QUEUES.deadLetter)
}

export function deadLetterKey(message: GetMessage): string {
  const messageId = message.properties.messageId as unknown
  if (typeof messageId === 'string' && messageId !== '') return messageId
  return `sha256:${createHash('sha256').update(message.content).digest('hex').slice(0, 16)}`
}

function describeDeadLetter(message: GetMessage): DeadLetter {
  const headers = (message.properties.headers ?? {}) as Record<string, unknown>
  const request = decodeEmailRequest(message.content)
  const emailId = request.ok ? request.value.id : undefined
  const smtpCode = numberOf(headers[HEADERS.smtpCode])
  const failedAt = headers[HEADERS.failedAt]
  const reason = headers[HEADERS.reason]
  return {
    key: deadLetterKey(message),
    ...(emailId === undefined ? {} : { emailId }),
    reason:
      typeof reason === 'string'
        ? reason
        : request.ok
          ? 'no reason recorded'
          : `unreadable request: ${request.error}`,
    attempts: numberOf(headers[HEADERS.attempts]) ?? 0,
    ...(smtpCode === undefined ? {} : { smtpCode }),
    ...(typeof failedAt === 'string' ? { failedAt } : {}),
    to: request.ok ? request.value.to : [],
    ...(request.ok ? { subject: request.value.subject } : {}),
    sizeBytes: message.content.length,
  }
}

function numberOf(value: unknown): number | undefined {
  const number = typeof value === 'string' ? Number(value) : value
  return typeof number === 'number' && Number.isInteger(number) ? number : undefined
}
