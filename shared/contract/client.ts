import type { EventName } from '.'
import type { MaildockClient, RawBridge, SubscribeHandlers } from './bridge'
import { MaildockError } from './errors'

/** Wraps a transport in the typed client: rejections become MaildockError with code and details. */
export function createClient(raw: RawBridge): MaildockClient {
  return {
    async call(channel, input) {
      const envelope = await raw.call(channel, input)
      if (!envelope.ok) throw MaildockError.fromPayload(envelope.error)
      return envelope.result as never
    },
    subscribe<E extends EventName>(event: E, input: unknown, handlers: SubscribeHandlers<E>) {
      return raw.subscribe(event, input, (message) => {
        if (message.type === 'data') handlers.data(message.data as never)
        else if (message.type === 'error') handlers.error?.(message.error)
        else handlers.end?.()
      })
    },
  }
}
