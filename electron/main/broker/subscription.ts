import type { Channel, ConsumeMessage } from 'amqplib'
import {
  decodeEmailRequest,
  decodeOutcomeEvent,
  EXCHANGES,
  QUEUES,
  type MailMessage,
} from '../../../shared/messages'
import { backoffDelay } from '../../../shared/backoff'
import type { BrokerConnectionManager, BrokerSession } from './connection'
import { errorMessage } from '../../../shared/error-message'

/** One message from the app's durable queue. */
export type ConsumedMail = MailMessage & { receivedAt: number; redelivered: boolean }

/** Stores one message durably; the message is acknowledged only after this resolves. */
export type MailSink = (mail: ConsumedMail) => Promise<void>

export interface SubscriptionOptions {
  prefetch?: number
  /** How often the counters reach the connection state (and so the UI). */
  reportEveryMs?: number
  log?: (message: string, error?: unknown) => void
}

const STORE_RETRY = { initialMs: 500, maxMs: 30_000, jitter: 0.2 }

/**
 * Consumes `maildock.app` with manual acks: each message is decoded, handed to the sink, and
 * acknowledged once the sink stored it. A sink failure (disk full, database locked) is retried with
 * backoff while the message stays unacknowledged, so the prefetch limit holds the rest back and
 * nothing is lost; messages no app version understands are dropped and counted.
 */
export async function startAppSubscription(
  session: BrokerSession,
  manager: BrokerConnectionManager,
  sink: MailSink,
  options: SubscriptionOptions = {},
): Promise<void> {
  const channel = await session.connection.createChannel()
  let open = true
  channel.on('error', (error: Error) =>
    session.fail(`subscription channel error: ${error.message}`),
  )
  channel.on('close', () => {
    open = false
    session.fail('the subscription channel closed')
  })
  await channel.prefetch(options.prefetch ?? 500)

  const counts = { ...manager.state.subscription, consuming: true, inFlight: 0 }
  let dirty = true
  const report = setInterval(() => {
    if (!dirty) return
    dirty = false
    manager.setSubscription({ ...counts, consuming: open })
  }, options.reportEveryMs ?? 250)
  void session.closed.then(() => clearInterval(report))
  const touch = () => {
    dirty = true
  }

  const handle = async (message: ConsumeMessage): Promise<void> => {
    const mail = decode(message)
    if (mail === undefined) {
      counts.invalid += 1
      touch()
      options.log?.(
        `app subscription: dropped a message it cannot read (${message.fields.routingKey})`,
      )
      if (open) channel.ack(message)
      return
    }
    counts.inFlight += 1
    touch()
    for (let failures = 0; open; failures += 1) {
      try {
        await sink(mail)
        if (open) {
          channel.ack(message)
          counts.consumed += 1
        }
        delete counts.lastError
        break
      } catch (error) {
        counts.lastError = `storing a message failed: ${errorMessage(error)}`
        touch()
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(failures + 1, STORE_RETRY)))
      }
    }
    counts.inFlight -= 1
    touch()
  }

  await channel.consume(
    QUEUES.app,
    (message) => {
      if (message === null) {
        session.fail('the broker cancelled the app subscription (was maildock.app deleted?)')
        return
      }
      void handle(message)
    },
    { noAck: false, consumerTag: `maildock-app-${process.pid}-${Date.now()}` },
  )
  manager.updateSubscription({ ...counts, consuming: true })
  void closeWith(session, channel)
}

async function closeWith(session: BrokerSession, channel: Channel): Promise<void> {
  await session.closed
  await channel.close().catch(() => undefined)
}

function decode(message: ConsumeMessage): ConsumedMail | undefined {
  const base = { receivedAt: Date.now(), redelivered: message.fields.redelivered }
  const exchange = message.fields.exchange
  if (exchange !== EXCHANGES.events) {
    const request = decodeEmailRequest(message.content)
    if (request.ok) return { kind: 'request', request: request.value, ...base }
    if (exchange === EXCHANGES.requests) return undefined
  }
  const event = decodeOutcomeEvent(message.content)
  return event.ok ? { kind: 'event', event: event.value, ...base } : undefined
}
