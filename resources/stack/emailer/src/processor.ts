import {
  decodeEmailRequest,
  emailIdSchema,
  encodeMessage,
  eventRoutingKey,
  EXCHANGES,
  HEADERS,
  outcomeEventId,
  QUEUES,
  retryQueueName,
  retryRoundHeader,
  retryRoundOf,
  WIRE_VERSION,
  type EmailRequest,
  type OutcomeEvent,
  type OutcomeEventType,
} from '../../../../shared/messages'
import type { Logger } from '../../common/log'
import type { PublishOptions } from '../../../../shared/amqp-publisher'
import type { EmailerConfig } from './config'
import type { LedgerEntry, SentEntry, SentLedger } from './ledger'
import {
  attemptsSoFar,
  classifySmtpError,
  decideAfterFailure,
  type SendFailure,
} from './retry-policy'
import type { Mailer } from './smtp'

/** One message as consumed from the emailer's queue. */
export interface Delivery {
  content: Buffer
  messageId: string | undefined
  headers: Record<string, unknown>
  redelivered: boolean
}

/** Broker operations bound to the channel the delivery came from. */
export interface DeliveryContext {
  publisher: {
    publish(exchange: string, key: string, content: Buffer, options?: PublishOptions): Promise<void>
  }
  ack(): void
}

export type Outcome =
  'sent' | 'assumed-sent' | 'duplicate' | 'retrying' | 'dead-lettered' | 'deferred'

export interface ProcessorDependencies {
  config: Pick<EmailerConfig, 'replica' | 'retryDelaysMs' | 'onInterrupted' | 'attemptStaleMs'>
  ledger: Pick<
    SentLedger,
    'lookup' | 'recordAttempt' | 'recordCommitting' | 'recordFailure' | 'recordSent'
  >
  mailer: Mailer
  log: Logger
  now?: () => Date
}

const MAX_REASON_LENGTH = 1000
const INTERRUPTED_REASON =
  'the emailer stopped after sending the end of data and before the SMTP reply'

/**
 * Sends one email per request at most once per id (per the ledger), and settles every delivery
 * as sent, retrying (copy in a delay queue) or dead-lettered (copy in the dead-letter queue),
 * publishing the outcome event before acknowledging. A throw means "not settled": the caller
 * leaves the message to be redelivered.
 */
export class EmailProcessor {
  private readonly running = new Map<string, Promise<unknown>>()

  constructor(private readonly deps: ProcessorDependencies) {}

  async handle(delivery: Delivery, context: DeliveryContext): Promise<Outcome> {
    const decoded = decodeEmailRequest(delivery.content)
    if (!decoded.ok) {
      const emailId = emailIdSchema.safeParse(delivery.messageId).data
      await this.deadLetter(delivery, context, {
        emailId,
        attempt: attemptsSoFar(delivery.headers[HEADERS.attempts]),
        failure: { transient: false, reason: `invalid email request: ${decoded.error}` },
      })
      return 'dead-lettered'
    }
    return this.oneAtATime(decoded.value.id, () => this.process(decoded.value, delivery, context))
  }

  /** Two copies of one id in this process (a redelivery racing its original) run in turn. */
  private async oneAtATime<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.running.get(id) ?? Promise.resolve()
    const current = previous.catch(() => undefined).then(work)
    this.running.set(id, current)
    try {
      return await current
    } finally {
      if (this.running.get(id) === current) this.running.delete(id)
    }
  }

  private async process(
    request: EmailRequest,
    delivery: Delivery,
    context: DeliveryContext,
  ): Promise<Outcome> {
    const { ledger, log } = this.deps
    const attempt = attemptsSoFar(delivery.headers[HEADERS.attempts]) + 1
    const known = ledger.lookup(request.id)
    if (known?.kind === 'sent') {
      log.info({ emailId: request.id, sentBy: known.replica }, 'already sent, not sending again')
      // The first outcome event may not have reached the broker before the ack was lost.
      if (delivery.redelivered) await this.publishEvent(context, this.sentEvent(known))
      context.ack()
      return 'duplicate'
    }
    if (known?.kind === 'attempt' || known?.kind === 'committing') {
      if (this.maybeRunningElsewhere(known)) {
        await this.defer(request, delivery, context, known)
        return 'deferred'
      }
      if (known.kind === 'committing') {
        const settled = await this.settleInterrupted(request, delivery, context, known)
        if (settled !== undefined) return settled
      } else {
        log.info(
          { emailId: request.id, attemptBy: known.replica },
          'an earlier attempt stopped before the end of data (nothing delivered); sending again',
        )
      }
    }

    ledger.recordAttempt(request.id, attempt)
    const started = performance.now()
    let committing: LedgerEntry | undefined
    let receipt
    try {
      receipt = await this.deps.mailer.send(request, () => {
        committing = ledger.recordCommitting(request.id, attempt)
      })
    } catch (error) {
      const failure = classifySmtpError(error)
      // The connection died between the end of data and the reply: as uncertain as a crash there.
      if (committing !== undefined && failure.smtpCode === undefined) {
        const settled = await this.settleInterrupted(request, delivery, context, committing)
        if (settled !== undefined) return settled
      }
      ledger.recordFailure(request.id, attempt)
      return this.settleFailure(request, delivery, context, attempt, failure)
    }
    const entry = await ledger.recordSent(request.id, attempt, performance.now() - started, receipt)
    log.info(
      { emailId: request.id, attempt, smtp: receipt.response, durationMs: entry.durationMs },
      'email sent',
    )
    await this.publishEvent(context, this.sentEvent(entry))
    context.ack()
    return 'sent'
  }

  /** Another replica's unfinished attempt, young enough that it may still be running. */
  private maybeRunningElsewhere(known: LedgerEntry): boolean {
    if (known.replica === this.deps.config.replica) return false
    return this.now().getTime() - Date.parse(known.at) < this.deps.config.attemptStaleMs
  }

  /**
   * An attempt cut off after its end of data: the server has most likely taken the message, but
   * no reply was seen. EMAILER_ON_INTERRUPTED decides; undefined means "send it again".
   */
  private async settleInterrupted(
    request: EmailRequest,
    delivery: Delivery,
    context: DeliveryContext,
    known: LedgerEntry,
  ): Promise<Outcome | undefined> {
    const { config, ledger, log } = this.deps
    const where = { emailId: request.id, attempt: known.attempt, attemptBy: known.replica }
    if (config.onInterrupted === 'resend') {
      log.warn(where, 'an attempt was cut off after its end of data; sending again')
      return undefined
    }
    if (config.onInterrupted === 'dead-letter') {
      await this.deadLetter(delivery, context, {
        emailId: request.id,
        attempt: known.attempt,
        failure: { transient: false, reason: INTERRUPTED_REASON },
      })
      return 'dead-lettered'
    }
    log.warn(where, 'an attempt was cut off after its end of data; counting it as sent')
    const entry = await ledger.recordSent(
      request.id,
      known.attempt,
      0,
      {
        response: `unconfirmed: ${INTERRUPTED_REASON}`,
        messageId: `<${request.id}>`,
        accepted: [],
        rejected: [],
      },
      true,
    )
    await this.publishEvent(context, this.sentEvent(entry))
    context.ack()
    return 'assumed-sent'
  }

  private async settleFailure(
    request: EmailRequest,
    delivery: Delivery,
    context: DeliveryContext,
    attempt: number,
    failure: SendFailure,
  ): Promise<Outcome> {
    const decision = decideAfterFailure(attempt, failure, this.deps.config.retryDelaysMs)
    if (decision.action === 'dead-letter') {
      await this.deadLetter(delivery, context, {
        emailId: request.id,
        attempt,
        failure: { ...failure, reason: decision.reason },
      })
      return 'dead-lettered'
    }
    const reason = truncate(failure.reason)
    const round = retryRoundOf(delivery.headers)
    await context.publisher.publish('', decision.queue, delivery.content, {
      messageId: request.id,
      headers: {
        ...retryRoundHeader(round),
        [HEADERS.attempts]: attempt,
        [HEADERS.reason]: reason,
        [HEADERS.replica]: this.deps.config.replica,
        ...(failure.smtpCode === undefined ? {} : { [HEADERS.smtpCode]: failure.smtpCode }),
      },
    })
    const retryAt = new Date(this.now().getTime() + decision.delayMs)
    this.deps.log.warn(
      { emailId: request.id, attempt, reason, nextDelayMs: decision.delayMs },
      'send failed, will retry',
    )
    await this.publishEvent(context, {
      ...this.eventBase(request.id, 'retrying', attempt, round),
      type: 'retrying',
      attempt,
      reason,
      ...(failure.smtpCode === undefined ? {} : { smtpCode: failure.smtpCode }),
      nextDelayMs: decision.delayMs,
      retryAt: retryAt.toISOString(),
    })
    context.ack()
    return 'retrying'
  }

  /** Another replica may be mid-send: look again after the first retry delay. */
  private async defer(
    request: EmailRequest,
    delivery: Delivery,
    context: DeliveryContext,
    known: LedgerEntry,
  ): Promise<void> {
    const delayMs = this.deps.config.retryDelaysMs[0] ?? 5000
    await context.publisher.publish('', retryQueueName(delayMs), delivery.content, {
      messageId: request.id,
      headers: {
        ...retryRoundHeader(retryRoundOf(delivery.headers)),
        [HEADERS.attempts]: attemptsSoFar(delivery.headers[HEADERS.attempts]),
      },
    })
    this.deps.log.info(
      { emailId: request.id, attemptBy: known.replica, delayMs },
      'another replica may be sending this email; looking again later',
    )
    context.ack()
  }

  private async deadLetter(
    delivery: Delivery,
    context: DeliveryContext,
    what: { emailId: string | undefined; attempt: number; failure: SendFailure },
  ): Promise<void> {
    const { emailId, attempt, failure } = what
    const reason = truncate(failure.reason)
    const round = retryRoundOf(delivery.headers)
    await context.publisher.publish('', QUEUES.deadLetter, delivery.content, {
      ...(emailId === undefined ? {} : { messageId: emailId }),
      headers: {
        ...retryRoundHeader(round),
        [HEADERS.reason]: reason,
        [HEADERS.attempts]: attempt,
        [HEADERS.failedAt]: this.now().toISOString(),
        [HEADERS.replica]: this.deps.config.replica,
        ...(failure.smtpCode === undefined ? {} : { [HEADERS.smtpCode]: failure.smtpCode }),
      },
    })
    this.deps.log.error({ emailId, attempt, reason }, 'email dead-lettered')
    if (emailId !== undefined) {
      const smtpCode = failure.smtpCode === undefined ? {} : { smtpCode: failure.smtpCode }
      const eventAttempt = Math.max(1, attempt)
      await this.publishEvent(context, {
        ...this.eventBase(emailId, 'failed', undefined, round),
        type: 'failed',
        attempt: eventAttempt,
        reason,
        ...smtpCode,
        permanent: !failure.transient,
      })
      await this.publishEvent(context, {
        ...this.eventBase(emailId, 'dead-lettered', undefined, round),
        type: 'dead-lettered',
        attempt: eventAttempt,
        reason,
        queue: QUEUES.deadLetter,
      })
    }
    context.ack()
  }

  private sentEvent(entry: SentEntry): OutcomeEvent {
    return {
      ...this.eventBase(entry.id, 'sent'),
      at: entry.at,
      replica: entry.replica,
      type: 'sent',
      attempt: entry.attempt,
      durationMs: Math.round(entry.durationMs),
      smtp: entry.smtp,
      ...(entry.unconfirmed === true ? { unconfirmed: true } : {}),
    }
  }

  private eventBase(
    emailId: string,
    type: OutcomeEventType,
    attempt?: number,
    round = 0,
  ): Pick<OutcomeEvent, 'v' | 'eventId' | 'emailId' | 'at' | 'service' | 'replica'> {
    return {
      v: WIRE_VERSION,
      eventId: outcomeEventId(emailId, type, attempt, round),
      emailId,
      at: this.now().toISOString(),
      service: 'emailer',
      replica: this.deps.config.replica,
    }
  }

  private publishEvent(context: DeliveryContext, event: OutcomeEvent): Promise<void> {
    const key = eventRoutingKey(event.type)
    return context.publisher.publish(EXCHANGES.events, key, encodeMessage(event), {
      messageId: event.eventId,
      type: key,
    })
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date()
  }
}

function truncate(reason: string): string {
  return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH)}…` : reason
}
