import type { EngineMonitor } from '../docker'
import { holdFile } from '../lib/holder-file'
import { catchUpLogs, storeHolderPath } from './catch-up'
import { StackLogCollector } from './collector'
import { logDatabasePath } from './database'
import { logsHandlers } from './logs-handlers'
import { retentionFromEnv } from './retention'
import { WorkerLogStore } from './store-client'

export interface LogServicesOptions {
  env: NodeJS.ProcessEnv
  engine: EngineMonitor
  /** Follow the stack's containers into the store (the app and browser mode; not the CLI). */
  collect: boolean
  /** The app's own stack name (its containers are the ones followed and stored). */
  stackName?: () => Promise<string>
  log?: (message: string, error?: unknown) => void
}

/** The log store, the stack's log collector and their contract handlers: built once per core. */
export function createLogServices(options: LogServicesOptions) {
  const { engine } = options
  const store = new WorkerLogStore({
    path: logDatabasePath(options.env),
    defaultRetention: retentionFromEnv(options.env),
    retentionDelayMs: options.collect ? 60_000 : 0,
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const collector = new StackLogCollector({
    docker: () => engine.client,
    onEngineEvent: (listener) => engine.onEvent(listener),
    onEngineConnected: (listener) => {
      let connected = engine.status.state === 'connected'
      return engine.onChange((status) => {
        const now = status.state === 'connected'
        if (now && !connected) listener()
        connected = now
      })
    },
    store,
    ...(options.stackName === undefined ? {} : { stackName: options.stackName }),
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  // Says to the CLI that this process fills the store live (the CLI then reads, not catches up).
  const release = options.collect ? holdFile(storeHolderPath(options.env), 'MailDock') : undefined
  if (options.collect) collector.start()
  const handlers = logsHandlers({ store, collector, docker: () => engine.client })
  return {
    store,
    collector,
    channels: handlers.channels,
    events: handlers.events,
    /** Catches up when no app fills the store (the CLI); says how current the history is. */
    catchUp: (drainMail: () => Promise<{ stored: number }>) =>
      catchUpLogs({ env: options.env, store, collector, drainMail }),
    async dispose() {
      release?.()
      collector.stop()
      await store.close()
    },
  }
}
