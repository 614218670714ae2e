import { join } from 'node:path'
import { errorMessage } from '../../../shared/error-message'
import { readHolder, type Holder } from '../lib/holder-file'
import { dataDirFrom } from '../settings'
import type { StackLogCollector } from './collector'
import type { LogStoreApi } from './store-api'

/** How current the log history is, for an answer read from it (`maildock logs`). */
export interface LogFreshness {
  /** True when the history holds everything up to now (a live app collects, or catch-up worked). */
  current: boolean
  /** The newest stored entry (ms), null when the history is empty. */
  storedUpTo: number | null
  /** The app (or browser mode) that stores the history live, if one runs. */
  app: Holder | null
  /** What this run added when no app runs: mail events from the app's queue, container lines read. */
  caughtUp: { mailEvents: number; lines: number; containers: number } | null
  /** Why the answer may miss recent entries. */
  problems: string[]
}

/** The file by which a running app (or browser mode) says it fills the log store. */
export const storeHolderPath = (env: NodeJS.ProcessEnv): string =>
  join(dataDirFrom(env), 'logs.holder.json')

export interface CatchUpDeps {
  env: NodeJS.ProcessEnv
  store: LogStoreApi
  collector: StackLogCollector
  /** Stores every message waiting in the app's durable mail-event queue. */
  drainMail: () => Promise<{ stored: number }>
}

/**
 * When no app holds the store, fills it as the app would have (its mail-event queue, then each
 * stack container's output since its newest stored line) and says how current it now is.
 */
export async function catchUpLogs(deps: CatchUpDeps): Promise<LogFreshness> {
  const app = readHolder(storeHolderPath(deps.env))
  if (app !== null) {
    return {
      current: true,
      storedUpTo: await newest(deps.store),
      app,
      caughtUp: null,
      problems: [],
    }
  }
  const [mail, lines] = await Promise.allSettled([deps.drainMail(), deps.collector.catchUpOnce()])
  const problems: string[] = []
  if (mail.status === 'rejected') problems.push(`mail events: ${errorMessage(mail.reason)}`)
  if (lines.status === 'rejected') problems.push(`container output: ${errorMessage(lines.reason)}`)
  await deps.store.flush()
  return {
    current: problems.length === 0,
    storedUpTo: await newest(deps.store),
    app: null,
    caughtUp: {
      mailEvents: mail.status === 'fulfilled' ? mail.value.stored : 0,
      lines: lines.status === 'fulfilled' ? lines.value.lines : 0,
      containers: lines.status === 'fulfilled' ? lines.value.containers : 0,
    },
    problems,
  }
}

async function newest(store: LogStoreApi): Promise<number | null> {
  try {
    return (await store.status()).newestTs
  } catch {
    return null
  }
}

/** One line for stderr when the answer is not current; null when it is. */
export function describeFreshness(freshness: LogFreshness): string | null {
  if (freshness.current) return null
  const upTo =
    freshness.storedUpTo === null
      ? 'the log history is empty'
      : `stored up to ${new Date(freshness.storedUpTo).toISOString()}`
  return `${upTo}; the app is not running and catch-up failed: ${freshness.problems.join('; ')}`
}
