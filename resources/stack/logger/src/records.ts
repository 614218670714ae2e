import {
  decodeEmailRequest,
  decodeOutcomeEvent,
  EXCHANGES,
  type EmailRequest,
  type OutcomeEvent,
} from '../../../../shared/messages'

export interface IncomingMessage {
  exchange: string
  routingKey: string
  content: Buffer
  messageId: string | undefined
  redelivered: boolean
}

/**
 * One line per consumed message, in pino's shape (level, time, msg) so the same tools read the
 * service's own logs and the event history. kind: request | event | invalid.
 */
export type LogRecord = {
  level: 30 | 40
  time: string
  service: 'logger'
  msg: string
  routingKey: string
  redelivered: boolean
} & (
  | { kind: 'request'; emailId: string; request: EmailRequest }
  | { kind: 'event'; emailId: string; eventType: OutcomeEvent['type']; event: OutcomeEvent }
  | { kind: 'invalid'; emailId?: string; error: string; body: string }
)

export function toLogRecord(message: IncomingMessage, maxFieldChars: number, now = new Date()) {
  const base = {
    time: now.toISOString(),
    service: 'logger' as const,
    routingKey: message.routingKey,
    redelivered: message.redelivered,
  }
  if (message.exchange === EXCHANGES.requests) {
    const decoded = decodeEmailRequest(message.content)
    if (decoded.ok) {
      const request = truncateBodies(decoded.value, maxFieldChars)
      return record({
        ...base,
        level: 30,
        msg: 'email.request',
        kind: 'request',
        emailId: request.id,
        request,
      })
    }
    return invalid(base, message, decoded.error, maxFieldChars)
  }
  const decoded = decodeOutcomeEvent(message.content)
  if (decoded.ok) {
    const event = decoded.value
    const level = event.type === 'failed' || event.type === 'dead-lettered' ? 40 : 30
    return record({
      ...base,
      level,
      msg: `email.${event.type}`,
      kind: 'event',
      emailId: event.emailId,
      eventType: event.type,
      event,
    })
  }
  return invalid(base, message, decoded.error, maxFieldChars)
}

function record(value: LogRecord): LogRecord {
  return value
}

function invalid(
  base: Pick<LogRecord, 'time' | 'service' | 'routingKey' | 'redelivered'>,
  message: IncomingMessage,
  error: string,
  maxFieldChars: number,
): LogRecord {
  return {
    ...base,
    level: 40,
    msg: 'invalid message',
    kind: 'invalid',
    ...(message.messageId === undefined ? {} : { emailId: message.messageId }),
    error,
    body: clip(message.content.toString('utf8'), maxFieldChars),
  }
}

/** Bodies can be large; the log keeps the first maxFieldChars of text and html. */
function truncateBodies(request: EmailRequest, maxFieldChars: number): EmailRequest {
  return {
    ...request,
    text: clip(request.text, maxFieldChars),
    ...(request.html === undefined ? {} : { html: clip(request.html, maxFieldChars) }),
  }
}

function clip(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max)}… [${value.length - max} more chars]` : value
}
