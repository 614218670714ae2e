import type { Sender } from './lib/handlers'
import type { MailMessage } from '../../shared/messages'
import type { MessageDocumentRequest } from '../../shared/contract'
import { createRouter, type Router } from './router'
import {
  EngineMonitor,
  nodeDiscoveryHost,
  dockerHandlers,
  resolveEndpoint,
  EndpointSetting,
  engineHandlers,
} from './docker'
import { tightenDataDir } from './lib/private-files'
import { dataDirFrom, FileSecretStore, type SecretStore } from './settings'
import { stackCatcherSource, stackEndpointsSource, stackHandlers, StackManager } from './stack'
import {
  caughtEmailIds,
  mailboxHandlers,
  sendSearch,
  serveMessageDocument,
  type MessageDocument,
} from './mailbox'
import { createMailPipeline } from './mail-pipeline'
import { drainAppQueue } from './broker'
import { createLogServices, type LogFreshness, type WorkerLogStore } from './logs'

export interface CoreOptions {
  env?: NodeJS.ProcessEnv
  isTrustedSender: (sender: Sender) => boolean
  log?: (message: string, error?: unknown) => void
  /** Consume the app's durable mail queue (the app and browser mode; not one-shot CLI runs). */
  subscribe?: boolean
  /** Where secrets live: the Electron shell passes one backed by safeStorage; else a 0600 file. */
  secrets?: SecretStore
  /** The stack services' build contexts (resources/stack), when not next to the code. */
  stackDir?: string
  /** The installed app (app.isPackaged): never bundles the stack services or runs a bundler. */
  packaged?: boolean
}

export interface Core {
  router: Router
  engine: EngineMonitor
  /** The log history (the mail subscription and the collector write it; the CLI reads it). */
  logs: WorkerLogStore
  stack: StackManager
  /** A caught message's HTML as its own document, with its CSP (`frameAncestors`: who may frame it). */
  messageDocument(request: MessageDocumentRequest, frameAncestors: string): Promise<MessageDocument>
  /** When no app fills the log history, catches it up (mail events, container output) first. */
  catchUpLogs(): Promise<LogFreshness>
  dispose(): Promise<void>
}

type Log = Pick<CoreOptions, 'log'>

/** The engine monitor and the Docker panels' channels over the endpoint the user chose. */
function createDockerServices(env: NodeJS.ProcessEnv, dataDir: string) {
  const discovery = nodeDiscoveryHost(env)
  const setting = EndpointSetting.inDataDir(dataDir)
  const engine = new EngineMonitor(resolveEndpoint(discovery, setting))
  void engine.probe()
  const engineApi = engineHandlers(engine)
  const dockerApi = dockerHandlers({ engine, discovery, setting })
  return {
    engine,
    channels: { ...engineApi.channels, ...dockerApi.channels },
    events: { ...engineApi.events, ...dockerApi.events },
  }
}

function createStack(
  options: CoreOptions,
  engine: EngineMonitor,
  env: NodeJS.ProcessEnv,
  dataDir: string,
) {
  const stack = new StackManager({
    engine,
    env,
    dataDir,
    secrets: options.secrets ?? FileSecretStore.inDataDir(dataDir),
    ...(options.stackDir === undefined ? {} : { stackDir: options.stackDir }),
    packaged: options.packaged ?? false,
    ...logOf(options),
  })
  return { stack, ...stackHandlers(stack, () => engine.client) }
}

const logOf = (options: Log): Log => (options.log === undefined ? {} : { log: options.log })

/** Builds every service and the router over them: shared by Electron, browser mode and the CLI. */
export function createCore(options: CoreOptions): Core {
  const env = options.env ?? process.env
  const dataDir = dataDirFrom(env)
  tightenDataDir(dataDir)
  const docker = createDockerServices(env, dataDir)
  const { engine } = docker
  const stackApi = createStack(options, engine, env, dataDir)
  const { stack } = stackApi
  const logsApi = createLogServices({
    env,
    engine,
    collect: options.subscribe !== false,
    stackName: async () => (await stack.settings.load()).settings.stackName,
    ...logOf(options),
  })
  const catcher = stackCatcherSource(env, stack, () => engine.client)
  const storeMail = async (mail: MailMessage): Promise<void> => {
    await logsApi.store.ingestMail(mail)
  }
  const endpoints = stackEndpointsSource(env, stack)
  const mailApi = createMailPipeline({
    ledger: logsApi.store.ledger,
    caught: (name, kind) => caughtEmailIds(catcher, sendSearch(name, kind)),
    store: storeMail,
    history: () => logsApi.store.recentMailMessages(),
    endpoints,
    dataDir,
    connect: options.subscribe !== false,
    ...logOf(options),
  })
  // The broker comes and goes with the stack: try at once when a stack operation finishes.
  stack.onProgress((operation) => {
    if (operation.state !== 'running') mailApi.manager.wakeUp()
  })
  const mailbox = mailboxHandlers(catcher)
  const router = createRouter({
    isTrustedSender: options.isTrustedSender,
    channels: {
      ...docker.channels,
      ...mailApi.channels,
      ...mailbox.channels,
      ...logsApi.channels,
      ...stackApi.channels,
    },
    events: {
      ...docker.events,
      ...mailApi.events,
      ...mailbox.events,
      ...logsApi.events,
      ...stackApi.events,
    },
    onHandlerError: (where, error) => options.log?.(`handler ${where} failed`, error),
  })

  return {
    router,
    engine,
    logs: logsApi.store,
    stack,
    messageDocument: (request, frameAncestors) =>
      serveMessageDocument(catcher, request, frameAncestors),
    catchUpLogs: () => logsApi.catchUp(() => drainAppQueue({ endpoints, sink: storeMail })),
    async dispose() {
      engine.close()
      await mailApi.dispose()
      await logsApi.dispose()
    },
  }
}
