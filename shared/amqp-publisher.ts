import { randomUUID } from 'node:crypto'
import type { ConfirmChannel, Message, Options } from 'amqplib'

// Publishing with confirms, shared by the stack services and the desktop app (plain amqplib).

const PUBLISH_ID_HEADER = 'x-maildock-publish-id'

export class PublishError extends Error {
  override name = 'PublishError'
  constructor(
    message: string,
    readonly reason: 'unroutable' | 'nacked' | 'timeout' | 'channel-closed',
  ) {
    super(message)
  }
}

export interface PublishOptions {
  messageId?: string
  headers?: Record<string, unknown>
  type?: string
  contentType?: string
}

/**
 * Publishes persistent, mandatory messages on a confirm channel and resolves only once the
 * broker confirmed them; an unroutable message (returned) or a nack rejects. RabbitMQ sends
 * basic.return before the basic.ack of the same message, so a return is known at confirm time.
 */
export class ConfirmPublisher {
  private readonly returned = new Set<string>()
  private closed = false

  constructor(
    private readonly channel: ConfirmChannel,
    private readonly timeoutMs = 10_000,
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
    if (this.closed) {
      return Promise.reject(new PublishError('broker channel is closed', 'channel-closed'))
    }
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
        const because = why === undefined ? '' : ` (${why})`
        reject(
          new PublishError(`no broker confirm within ${this.timeoutMs} ms${because}`, 'timeout'),
        )
      }, this.timeoutMs)
      const onConfirm = (error: unknown) => {
        clearTimeout(timer)
        const wasReturned = this.returned.delete(publishId)
        if (error !== null && error !== undefined) {
          const closed = this.closed || /closed/i.test(error instanceof Error ? error.message : '')
          reject(
            closed
              ? new PublishError('broker channel closed before confirming', 'channel-closed')
              : new PublishError('broker refused the message (nack)', 'nacked'),
          )
        } else if (wasReturned) {
          reject(new PublishError(`no queue is bound to ${exchange || routingKey}`, 'unroutable'))
        } else {
          resolve()
        }
      }
      try {
        this.channel.publish(exchange, routingKey, content, properties, onConfirm)
      } catch (error) {
        clearTimeout(timer)
        reject(new PublishError(`publish failed: ${String(error)}`, 'channel-closed'))
      }
    })
  }

  /** Publishes straight to a queue through the default exchange. */
  sendToQueue(queue: string, content: Buffer, options: PublishOptions = {}): Promise<void> {
    return this.publish('', queue, content, options)
  }
}
