import { createRouter, type Router, type Sender } from './router'
import { EngineMonitor } from './docker/engine'
import { discoverEndpoint } from './docker/discovery'
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
  const engine = new EngineMonitor(discoverEndpoint(env))
  void engine.probe()

  const engineApi = engineHandlers(engine)
  const router = createRouter({
    isTrustedSender: options.isTrustedSender,
    channels: { ...engineApi.channels },
    events: { ...engineApi.events },
    onHandlerError: (where, error) => options.log?.(`handler ${where} failed`, error),
  })

  return {
    router,
    engine,
    async dispose() {
      engine.close()
    },
  }
}
