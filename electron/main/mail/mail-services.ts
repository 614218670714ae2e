import {
  type BackoffOptions,
  BrokerConnectionManager,
  brokerHandlers,
  type EndpointsSource,
  startAppSubscription,
  type ConsumedMail,
} from '../broker'
import type { MailMessage } from '../../../shared/messages'
import { batchSender } from './api-client'
import { BulkSender } from './bulk'
import { mailHandlers } from './mail-handlers'
import type { CaughtSource, SendLedger } from './send-ledger'
import { TemplateStore } from './templates'
import { MailTracker } from './tracker'

export interface MailServicesOptions {
  endpoints: EndpointsSource
  dataDir: string
  /** Stores one consumed message durably (the log store); it is acknowledged afterwards. */
  store?: (mail: ConsumedMail) => Promise<void>
  /** Mail messages already stored, oldest first, to rebuild recent tracking at start-up. */
  history?: () => Promise<MailMessage[]>
  /** Whether to connect to the broker now (the CLI's one-shot commands do not). */
  connect?: boolean
  /** Where sends and their rows are recorded for their delivery reports (the log store). */
  ledger?: SendLedger
  /** Which of a send's emails the catcher holds. */
  caught?: CaughtSource
  reconnectBackoff?: BackoffOptions
  log?: (message: string, error?: unknown) => void
}

/** The broker connection, the app's subscription, tracking, sending: built once per core. */
export function createMailServices(options: MailServicesOptions) {
  const tracker = new MailTracker()
  const manager: BrokerConnectionManager = new BrokerConnectionManager({
    endpoints: options.endpoints,
    connectionName: `maildock-app@${process.pid}`,
    ...(options.reconnectBackoff === undefined ? {} : { backoff: options.reconnectBackoff }),
    ...(options.log === undefined ? {} : { log: options.log }),
    onSession: (session) =>
      startAppSubscription(
        session,
        manager,
        async (mail) => {
          await options.store?.(mail)
          tracker.apply(mail)
        },
        options.log === undefined ? {} : { log: options.log },
      ),
  })
  const bulk = new BulkSender({
    open: async () => batchSender((await options.endpoints()).apiUrl),
    ledger: options.ledger,
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const templates = TemplateStore.inDataDir(options.dataDir)

  const ready = (async () => {
    try {
      for (const message of (await options.history?.()) ?? []) tracker.apply(message, false)
    } catch (error) {
      options.log?.('mail: could not read the tracking history from the log store', error)
    }
    if (options.connect !== false) manager.start()
  })()

  const broker = brokerHandlers({ manager, endpoints: options.endpoints })
  const mail = mailHandlers({
    endpoints: options.endpoints,
    tracker,
    bulk,
    templates,
    ledger: options.ledger,
    caught: options.caught,
    log: options.log,
  })
  return {
    manager,
    tracker,
    channels: { ...broker.channels, ...mail.channels },
    events: { ...broker.events, ...mail.events },
    async dispose(): Promise<void> {
      await ready
      await manager.close()
      tracker.close()
    },
  }
}
