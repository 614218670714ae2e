// What the catcher logs of the messages it stores: one line per message only at debug level, and
// at info a count every interval while messages arrive. A line per message cost the catcher about
// a fifth of its CPU under load, and the engine as much again for its log file; the Mailbox lists
// every message anyway.
import type { Logger } from '../../common/log'
import type { Entry } from './store'
import { headerSummary } from './parse'

export const ARRIVAL_SUMMARY_MS = 10_000

export interface ArrivalLog {
  stored(message: Entry): void
  /** Logs the count not yet logged (on stop). */
  flush(): void
}

export function createArrivalLog(log: Logger, everyMs = ARRIVAL_SUMMARY_MS): ArrivalLog {
  let count = 0
  let bytes = 0
  let timer: NodeJS.Timeout | undefined
  const flush = (): void => {
    if (timer !== undefined) clearTimeout(timer)
    timer = undefined
    if (count === 0) return
    log.info({ messages: count, bytes }, 'messages stored')
    count = 0
    bytes = 0
  }
  return {
    stored(message) {
      if (log.isLevelEnabled('debug')) {
        log.debug(
          { id: message.ID, ...headerSummary(message.Headers), size: message.Size },
          'message stored',
        )
      }
      count += 1
      bytes += message.Size
      if (timer === undefined) timer = setTimeout(flush, everyMs).unref()
    },
    flush,
  }
}
