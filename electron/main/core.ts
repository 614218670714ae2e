import { createRouter, type Router, type Sender } from './router'
import { EngineMonitor } from './docker/engine'
import { nodeDiscoveryHost } from './docker/discovery'
import { dockerHandlers, resolveEndpoint } from './docker/docker-handlers'
import { dataDirFrom, EndpointSetting } from './docker/endpoint-setting'
import { engineHandlers } from './docker/engine-handlers'
import { envEndpointsSource } from './broker/endpoints'
import { createMailServices } from './mail/mail-services'
import { createLogServices } from './logs/log-services'
import type { LogStore } from './logs/store'

export interface CoreOptions {
  env?: NodeJS.ProcessEnv
  isTrustedSender: (sender: Sender) => boolean
  log?: (message: string, error?: unknown) => void
  /** Consume the app's durable mail queue (the app and browser mode; not one-shot CLI runs). */
  subscribe?: boolean
}

export interface Core {
  router: Router
  engine: EngineMonitor
  /** The log history (the mail subscription and the collector write it; the CLI reads it). */
  logs: LogStore
  dispose(): Promise<void>
}

/** Builds every service and the router over them: shared by Electron, browser mode and the CLI. */
export function createCore(options: CoreOptions): Core {
  const env = options.env ?? process.env
  const discovery = nodeDiscoveryHost(env)
  const setting = EndpointSetting.inDataDir(dataDirFrom(env))
  const engine = new EngineMonitor(resolveEndpoint(discovery, setting))
  void engine.probe()

  const engineApi = engineHandlers(engine)
  const dockerApi = dockerHandlers({ engine, discovery, setting })
  const logsApi = createLogServices({
    env,
    engine,
    collect: options.subscribe !== false,
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const mailApi = createMailServices({
    store: async (mail) => {
      await logsApi.store.ingestMailEvent(mail.kind === 'request' ? mail.request : mail.event)
    },
    history: () =>
      Promise.resolve(
        logsApi.store
          .recentMailMessages()
          .map((message) =>
            'eventId' in message
              ? { kind: 'event' as const, event: message }
              : { kind: 'request' as const, request: message },
          ),
      ),
    endpoints: envEndpointsSource(env),
    dataDir: dataDirFrom(env),
    connect: options.subscribe !== false,
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const router = createRouter({
    isTrustedSender: options.isTrustedSender,
    channels: {
      ...engineApi.channels,
      ...dockerApi.channels,
      ...mailApi.channels,
      ...logsApi.channels,
    },
    events: { ...engineApi.events, ...dockerApi.events, ...mailApi.events, ...logsApi.events },
    onHandlerError: (where, error) => options.log?.(`handler ${where} failed`, error),
  })

  return {
    router,
    engine,
    logs: logsApi.store,
    async dispose() {
      engine.close()
      await mailApi.dispose()
      await logsApi.dispose()
    },
  }
}
