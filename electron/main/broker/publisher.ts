import { ConfirmPublisher, PublishError, type PublishOptions } from '../../../shared/amqp-publisher'
import { MaildockError } from '../../../shared/contract'

export type { PublishOptions }

/** The shared confirm publisher, with its failures said as contract errors for the UI and CLI. */
export class ContractConfirmPublisher extends ConfirmPublisher {
  override async publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: PublishOptions = {},
  ): Promise<void> {
    try {
      await super.publish(exchange, routingKey, content, options)
    } catch (error) {
      throw asMaildockError(error, exchange, routingKey)
    }
  }
}

export function asMaildockError(
  error: unknown,
  exchange: string,
  routingKey: string,
): MaildockError {
  if (!(error instanceof PublishError)) {
    return new MaildockError('UNAVAILABLE', `publish failed: ${String(error)}`)
  }
  switch (error.reason) {
    case 'timeout':
      return new MaildockError(
        'TIMEOUT',
        error.message.replace(/^no broker confirm/, 'The broker did not confirm the message'),
      )
    case 'unroutable': {
      const target = exchange === '' ? `queue "${routingKey}"` : `exchange "${exchange}"`
      return new MaildockError(
        'CONFLICT',
        `No queue is bound to ${target}: the message was returned`,
      )
    }
    case 'nacked':
      return new MaildockError('UNAVAILABLE', 'the broker refused the message (nack)')
    case 'channel-closed':
      return new MaildockError('UNAVAILABLE', `the ${error.message}`)
  }
}
