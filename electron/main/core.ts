import { createRouter, type Router, type Sender } from './router'
import { EngineMonitor } from './docker/engine'
import { nodeDiscoveryHost } from './docker/discovery'
import { dockerHandlers, resolveEndpoint } from './docker/docker-handlers'
import { dataDirFrom, EndpointSetting } from './docker/endpoint-setting'
import { engineHandlers } from './docker/engine-handlers'
import { envEndpointsSource } from './broker/endpoints'
import { createMailServices } from './mail/mail-services'

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
  const mailApi = createMailServices({
    endpoints: envEndpointsSource(env),
    dataDir: dataDirFrom(env),
    connect: options.subscribe !== false,
    ...(options.log === undefined ? {} : { log: options.log }),
  })
  const router = createRouter({
    isTrustedSender: options.isTrustedSender,
    channels: { ...engineApi.channels, ...dockerApi.channels, ...mailApi.channels },
    events: { ...engineApi.events, ...dockerApi.events, ...mailApi.events },
    onHandlerError: (where, error) => options.log?.(`handler ${where} failed`, error),
  })

  return {
    router,
    engine,
    async dispose() {
      engine.close()
      await mailApi.dispose()
    },
  }
}
