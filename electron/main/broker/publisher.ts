import { randomUUID } from 'node:crypto'
import type { ConfirmChannel, Message, Options } from 'amqplib'
import { MaildockError } from '../../../shared/contract'

const PUBLISH_ID_HEADER = 'x-maildock-publish-id'

export interface PublishOptions {
  messageId?: string
  headers?: Record<string, unknown>
  type?: string
  contentType?: string
}

/**
 * Persistent, mandatory publishes on a confirm channel that resolve only once the broker confirmed
 * them. RabbitMQ sends basic.return before the basic.ack of the same message, so an unroutable
 * message is known when its confirm arrives and rejects instead of resolving.
 */
export class ConfirmPublisher {
  private readonly returned = new Set<string>()
  private closed = false

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly timeoutMs: number,
    /** Why publishes may be slow right now (a blocked connection), for the timeout message. */
    private readonly slowReason: () => string | undefined = () => undefined,
  ) {
    channel.on('return', (message: Message) => {
      const id: unknown = message.properties.headers?.[PUBLISH_ID_HEADER]
      if (typeof id === 'string') this.returned.add(id)
    })
    channel.on('close', () => {
      this.closed = true
    })
  }

  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: PublishOptions = {},
  ): Promise<void> {
    if (this.closed) return Promise.reject(unavailable('the broker channel is closed'))
    const publishId = randomUUID()
    const properties: Options.Publish = {
      persistent: true,
      mandatory: true,
      contentType: options.contentType ?? 'application/json',
      contentEncoding: 'utf-8',
      timestamp: Math.floor(Date.now() / 1000),
      messageId: options.messageId,
      type: options.type,
      headers: { ...options.headers, [PUBLISH_ID_HEADER]: publishId },
    }
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        const why = this.slowReason()
        reject(
          new MaildockError(
            'TIMEOUT',
            `The broker did not confirm the message within ${this.timeoutMs} ms` +
              (why === undefined ? '' : ` (${why})`),
          ),
        )
      }, this.timeoutMs)
      const onConfirm = (error: unknown) => {
        clearTimeout(timer)
        const wasReturned = this.returned.delete(publishId)
        if (error !== null && error !== undefined) {
          reject(
            this.closed
              ? unavailable('the broker channel closed before confirming the message')
              : unavailable('the broker refused the message (nack)'),
          )
        } else if (wasReturned) {
          reject(
            new MaildockError(
              'CONFLICT',
              `No queue is bound to ${exchange === '' ? `queue "${routingKey}"` : `exchange "${exchange}"`}: the message was returned`,
            ),
          )
        } else resolve()
      }
      try {
        this.channel.publish(exchange, routingKey, content, properties, onConfirm)
      } catch (error) {
        clearTimeout(timer)
        reject(
          unavailable(`publish failed: ${error instanceof Error ? error.message : String(error)}`),
        )
      }
    })
  }
}

function unavailable(message: string): MaildockError {
  return new MaildockError('UNAVAILABLE', message)
}
