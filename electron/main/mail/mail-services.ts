import type { EndpointsSource } from '../broker'
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
  /** Mail messages already stored, oldest first, to rebuild recent tracking at start-up. */
  history?: () => Promise<MailMessage[]>
  /** Where sends and their rows are recorded for their delivery reports (the log store). */
  ledger?: SendLedger
  /** Which of a send's emails the catcher holds. */
  caught?: CaughtSource
  log?: (message: string, error?: unknown) => void
}

/** Tracking, sending and templates: built once per core, fed by the broker's subscription. */
export function createMailServices(options: MailServicesOptions) {
  const tracker = new MailTracker()
  const bulk = new BulkSender({
    open: async () => batchSender((await options.endpoints()).apiUrl),
    ledger: options.ledger,
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const ready = (async () => {
    try {
      for (const message of (await options.history?.()) ?? []) tracker.apply(message, false)
    } catch (error) {
      options.log?.('mail: could not read the tracking history from the log store', error)
    }
  })()
  const { channels, events } = mailHandlers({
    endpoints: options.endpoints,
    tracker,
    bulk,
    templates: TemplateStore.inDataDir(options.dataDir),
    ledger: options.ledger,
    caught: options.caught,
    log: options.log,
  })
  return {
    tracker,
    /** Settles once the stored history is tracked: consume new messages only after it. */
    ready,
    channels,
    events,
    close: () => tracker.close(),
  }
}
