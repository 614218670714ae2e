import { createRouter, type Router, type Sender } from './router'
import { EngineMonitor } from './docker/engine'
import { nodeDiscoveryHost } from './docker/discovery'
import { dockerHandlers, resolveEndpoint } from './docker/docker-handlers'
import { dataDirFrom, EndpointSetting } from './docker/endpoint-setting'
import { engineHandlers } from './docker/engine-handlers'

export interface CoreOptions {
  env?: NodeJS.ProcessEnv
  isTrustedSender: (sender: Sender) => boolean
  log?: (message: string, error?: unknown) => void
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
  const router = createRouter({
    isTrustedSender: options.isTrustedSender,
    channels: { ...engineApi.channels, ...dockerApi.channels },
    events: { ...engineApi.events, ...dockerApi.events },
    onHandlerError: (where, error) => options.log?.(`handler ${where} failed`, error),
  })

  return {
    router,
    engine,
    dispose() {
      engine.close()
      return Promise.resolve()
    },
  }
}
