import { createBrokerServices, type BackoffOptions, type ConsumedMail } from './broker'
import { createMailServices } from './mail'

type MailOptions = Parameters<typeof createMailServices>[0]

export interface MailPipelineOptions extends MailOptions {
  /** Stores one consumed message durably (the log store); it is acknowledged afterwards. */
  store?: (mail: ConsumedMail) => Promise<void>
  /** Whether to connect to the broker now (the CLI's one-shot commands do not). */
  connect?: boolean
  reconnectBackoff?: BackoffOptions
}

/**
 * The broker's subscription feeds the mail services: each consumed message is stored, then
 * tracked. Consuming starts once the stored history is tracked, so no status goes backwards.
 */
export function createMailPipeline(options: MailPipelineOptions) {
  const mail = createMailServices(options)
  const broker = createBrokerServices({
    endpoints: options.endpoints,
    onMail: async (message) => {
      await options.store?.(message)
      mail.tracker.apply(message)
    },
    ...(options.reconnectBackoff === undefined
      ? {}
      : { reconnectBackoff: options.reconnectBackoff }),
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const started = mail.ready.then(() => {
    if (options.connect !== false) broker.manager.start()
  })
  return {
    manager: broker.manager,
    tracker: mail.tracker,
    channels: { ...broker.channels, ...mail.channels },
    events: { ...broker.events, ...mail.events },
    async dispose(): Promise<void> {
      await started
      await broker.manager.close()
      mail.close()
    },
  }
}
