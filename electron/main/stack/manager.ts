import { join } from 'node:path'
import type Docker from 'dockerode'
import {
  MaildockError,
  smtpTlsCheck,
  type StackChange,
  type StackExport,
  type StackExportInput,
  type StackOperation,
  type StackOperationKind,
  type StackResult,
  type StackServiceName,
  type StackSettingsView,
  type StackStatus,
} from '../../../shared/contract'
import type { StackEndpoints } from '../broker'
import { type EngineMonitor, toMaildockError } from '../docker'
import {
  EXTRA_LABELS_ENV,
  type SecretStore,
  StackSettingsStore,
  type LoadedSettings,
} from '../settings'
import { applyPlan } from './apply'
import { exportStack } from './export'
import { hashesFor } from './container-spec'
import {
  BROKER_USER,
  brokerSecretName,
  loadCredentials,
  passwordsOfRunningBroker,
  loadSmtpPassword,
  storedCredentials,
  SMTP_PASSWORD_SECRET,
  type CredentialsResult,
} from './credentials'
import { defineStack, type StackDefinition } from './definition'
import { resolveImages } from './images'
import { downStack, serviceAction } from './lifecycle'
import { StackLocks } from './lock'
import { observeStack } from './observe'
import { runningEndpoints } from './running-endpoints'
import { logsOf, Operation } from './operation'
import { computePlan } from './plan'
import { locateStackDir } from './sources'
import { readStatus, type Expected } from './status'
import { StatusWatcher } from './watch'
import { parseLabels, summarize } from './summary'

export interface StackManagerOptions {
  engine: EngineMonitor
  env: NodeJS.ProcessEnv
  dataDir: string
  secrets: SecretStore
  /** resources/stack; found next to the code when not given. */
  stackDir?: string
  /** The installed app (app.isPackaged): uses the bundles it ships, never bundles. */
  packaged?: boolean
  log?: (message: string, error?: unknown) => void
}

interface Loaded {
  loaded: LoadedSettings
  definition: StackDefinition
  credentials: CredentialsResult
}

/** The one-click stack: up, down, restart, scale, status, export, settings. */
export class StackManager {
  readonly settings: StackSettingsStore
  readonly watcher: StatusWatcher
  private readonly locks: StackLocks
  private readonly progressListeners = new Set<(operation: StackOperation) => void>()
  private last: StackOperation | null = null
  private busy: StackStatus['busy'] = null
  private stackName = 'maildock'
  private readonly stackDir: string | null
  private readonly packaged: boolean

  constructor(private readonly options: StackManagerOptions) {
    this.settings = new StackSettingsStore(options.dataDir, options.env)
    this.locks = new StackLocks(join(options.dataDir, 'locks'))
    this.stackDir = locateStackDir(options.stackDir ?? options.env.MAILDOCK_STACK_DIR)
    this.packaged = options.packaged ?? false
    this.watcher = new StatusWatcher(
      options.engine,
      () => this.stackName,
      () => this.status(),
      (error) => options.log?.('stack status refresh failed', error),
    )
  }

  private get docker(): Docker {
    return this.options.engine.client
  }

  get lastOperation(): StackOperation | null {
    return this.last
  }

  onProgress(listener: (operation: StackOperation) => void): () => void {
    this.progressListeners.add(listener)
    return () => this.progressListeners.delete(listener)
  }

  // ----- definition -----

  private async load(replicas?: number): Promise<Loaded> {
    const loaded = await this.settings.loadStrict()
    const stack = loaded.settings.stackName
    this.stackName = stack
    const credentials = await loadCredentials(this.options.secrets, stack, this.options.env, () =>
      passwordsOfRunningBroker(this.docker, stack),
    )
    const settings =
      replicas === undefined ? loaded.settings : { ...loaded.settings, emailerReplicas: replicas }
    const labels = parseLabels(this.options.env[EXTRA_LABELS_ENV])
    return {
      loaded,
      definition: defineStack(settings, credentials.credentials, labels),
      credentials,
    }
  }

  /** What the settings ask for, without writing secrets or building anything (for status). */
  private async expected(loaded: LoadedSettings): Promise<Expected | null> {
    if (loaded.problems.length > 0) return null
    const stack = loaded.settings.stackName
    const { secrets, env } = this.options
    const stored = await storedCredentials(secrets, stack, env)
    const credentials = stored ?? {
      brokerUser: BROKER_USER,
      brokerPassword: '',
      servicePasswords: { api: '', emailer: '', logger: '' },
      smtpPassword: await loadSmtpPassword(secrets, env),
    }
    const definition = defineStack(loaded.settings, credentials, parseLabels(env[EXTRA_LABELS_ENV]))
    if (stored === null) return { definition, hashes: new Map() }
    const images = await resolveImages({
      docker: this.docker,
      definition,
      stackDir: this.stackDir,
      packaged: this.packaged,
    })
    return { definition, hashes: hashesFor(definition, images.byService) }
  }

  // ----- status -----

  async status(): Promise<StackStatus> {
    const loaded = await this.settings.load()
    this.stackName = loaded.settings.stackName
    const monitor = this.options.engine
    const engine = monitor.status.state === 'connecting' ? await monitor.probe() : monitor.status
    const expected =
      engine.state === 'connected' ? await this.expected(loaded).catch(() => null) : null
    const status = await readStatus({
      docker: this.docker,
      stack: loaded.settings.stackName,
      engine,
      expected,
      busy: this.busy,
      problems: loaded.problems,
    })
    const { warning } = smtpTlsCheck(loaded.settings.smtp)
    return warning === null ? status : { ...status, warnings: [warning] }
  }

  // ----- operations -----

  up(): Promise<StackResult> {
    return this.operate('up', (operation) => this.converge(operation), { strict: true })
  }

  async scale(replicas: number): Promise<StackResult> {
    const loaded = await this.settings.update({ emailerReplicas: replicas })
    const overridden = loaded.fields.find(
      (f) => f.path === 'emailerReplicas' && f.source !== 'file',
    )
    const warnings = overridden
      ? [
          `${overridden.env} (or --config) sets the replicas too: the next up goes back to ${loaded.settings.emailerReplicas}.`,
        ]
      : []
    const result = await this.operate('scale', (operation) => this.converge(operation, replicas), {
      strict: true,
    })
    return { ...result, warnings: [...result.warnings, ...warnings] }
  }

  down(volumes: boolean): Promise<StackResult> {
    return this.operate('down', async (operation) => {
      const { definition } = await this.load().catch(() => ({ definition: null }))
      const change = await downStack(this.docker, this.stackName, definition, volumes, operation)
      return { change, warnings: [] }
    })
  }

  restart(service: StackServiceName): Promise<StackResult> {
    return this.serviceOperation(service, 'restart')
  }

  startOrStop(service: StackServiceName, action: 'start' | 'stop'): Promise<StackResult> {
    return this.serviceOperation(service, action)
  }

  private serviceOperation(service: StackServiceName, action: 'start' | 'stop' | 'restart') {
    return this.operate(action, async (operation) => {
      const loaded = await this.settings.load()
      this.stackName = loaded.settings.stackName
      const change = await serviceAction({
        docker: this.docker,
        stack: this.stackName,
        definition: null,
        service,
        action,
        timeoutMs: loaded.settings.healthTimeoutSeconds * 1000,
        operation,
      })
      return { change, warnings: [] }
    })
  }

  /** Builds what is missing, then brings what exists to what the definition asks for. */
  private async converge(operation: Operation, replicas?: number) {
    const { definition, credentials } = await this.load(replicas)
    const images = await resolveImages({
      docker: this.docker,
      definition,
      stackDir: this.stackDir,
      packaged: this.packaged,
      operation,
    })
    const hashes = hashesFor(definition, images.byService)
    const observed = await observeStack(this.docker, definition.name)
    const plan = computePlan(definition, hashes, observed)
    const kind = this.options.engine.status.endpoint.kind
    const change = await applyPlan({
      docker: this.docker,
      definition,
      images: images.byService,
      plan,
      observed,
      operation,
      checkPorts: kind === 'socket' || kind === 'pipe',
    })
    change.builtImages.push(...images.built)
    change.pulledImages.push(...images.pulled)
    const warnings: string[] = []
    if (credentials.stored === 'generated') {
      warnings.push(`Generated broker credentials. ${this.options.secrets.info.note}`)
    }
    if (credentials.stored === 'adopted') {
      warnings.push(
        `Kept the running broker's passwords and stored them: ${this.options.secrets.info.note}`,
      )
    }
    return { change, warnings }
  }

  private async ensureEngine(): Promise<void> {
    const engine = this.options.engine
    const status = engine.status.state === 'connected' ? engine.status : await engine.probe()
    if (status.state === 'connected') return
    const why = status.state === 'unreachable' ? `: ${status.error}` : ''
    throw new MaildockError(
      'ENGINE_UNREACHABLE',
      `The Docker engine at ${status.endpoint.address} is not reachable${why}. Start Docker, then try again.`,
    )
  }

  private publish(snapshot: StackOperation): void {
    this.last = snapshot
    for (const listener of this.progressListeners) listener(snapshot)
  }

  /** Runs one operation under the stack's lock, with progress, and answers with the outcome. */
  private async operate(
    kind: StackOperationKind,
    work: (operation: Operation) => Promise<{ change: StackChange; warnings: string[] }>,
    options: { strict?: boolean } = {},
  ): Promise<StackResult> {
    const loaded = await this.settings.load()
    const stack = loaded.settings.stackName
    this.stackName = stack
    const operation = new Operation(kind, stack, (snapshot) => this.publish(snapshot))
    let release: (() => Promise<void>) | undefined
    let outcome: { change: StackChange; warnings: string[] }
    try {
      let waitStep: ReturnType<Operation['step']> | undefined
      release = await this.locks.acquire(stack, {
        operation: kind,
        onWait: (holder) => {
          waitStep = operation.step(
            'lock',
            `Wait for "${holder.operation}" by MailDock pid ${holder.pid}`,
          )
          waitStep.start()
        },
      })
      waitStep?.done()
      this.busy = { operationId: operation.id, kind, startedAt: operation.startedAt }
      this.watcher.poke()
      // Bad settings are named first: they need fixing whatever the engine does.
      if (options.strict) await this.settings.loadStrict()
      await this.ensureEngine()
      outcome = await work(operation)
      operation.succeed(summarize(kind, outcome.change))
    } catch (error) {
      const failure = withStepLogs(error, operation)
      operation.failWith(failure)
      throw failure
    } finally {
      this.busy = null
      await release?.()
      this.watcher.poke()
    }
    const status = await this.status().catch(() => null)
    const unchanged = Object.values(outcome.change).every((list) => list.length === 0)
    if (status === null)
      throw new MaildockError('ENGINE_UNREACHABLE', 'Lost the engine right after the operation.')
    return {
      operation: operation.snapshot(),
      changes: outcome.change,
      unchanged,
      warnings: outcome.warnings,
      status,
    }
  }

  // ----- export and settings -----

  async exportCompose(includeSecrets: boolean): Promise<StackExport> {
    return this.exportStack({ includeSecrets, target: 'compose', swarmPorts: 'host' })
  }

  async exportStack(input: StackExportInput): Promise<StackExport> {
    const { definition, loaded } = await this.load()
    const images = await resolveImages({
      docker: this.docker,
      definition,
      stackDir: this.stackDir,
      packaged: this.packaged,
    })
    return exportStack(definition, {
      ...input,
      images: images.byService,
      stackDir: this.stackDir,
      queueType: loaded.settings.queueType,
    })
  }

  async settingsView(loaded?: LoadedSettings): Promise<StackSettingsView> {
    const current = loaded ?? (await this.settings.load())
    const { secrets, env } = this.options
    const smtpPasswordSet = (await loadSmtpPassword(secrets, env)) !== null
    return { ...current, smtpPasswordSet, secrets: secrets.info }
  }

  async updateSettings(input: {
    patch: Parameters<StackSettingsStore['update']>[0]
    smtpPassword?: string | null | undefined
  }): Promise<StackSettingsView> {
    if (input.smtpPassword === null || input.smtpPassword === '')
      await this.options.secrets.delete(SMTP_PASSWORD_SECRET)
    else if (input.smtpPassword !== undefined)
      await this.options.secrets.set(SMTP_PASSWORD_SECRET, input.smtpPassword)
    const loaded = await this.settings.update(input.patch)
    this.watcher.poke()
    return this.settingsView(loaded)
  }

  /**
   * Where the running stack answers, for the app's broker and mail domains: read again before
   * each connection attempt (published ports and credentials may change).
   */
  async endpoints(): Promise<StackEndpoints> {
    const loaded = await this.settings.load()
    const stack = loaded.settings.stackName
    const observed = await observeStack(this.docker, stack)
    const password = await this.options.secrets.get(brokerSecretName(stack))
    return { ...runningEndpoints(observed, stack, password), queueType: loaded.settings.queueType }
  }
}

/** The error, with the failing step's name and logs in its details for the UI and the CLI. */
function withStepLogs(error: unknown, operation: Operation): MaildockError {
  const cause = toMaildockError(error)
  const failed = operation.snapshot().steps.find((step) => step.state === 'failed')
  const logs = logsOf(cause).length > 0 ? logsOf(cause) : (failed?.logs ?? [])
  const details = typeof cause.details === 'object' && cause.details !== null ? cause.details : {}
  return new MaildockError(cause.code, cause.message, {
    ...details,
    operationId: operation.id,
    step: failed?.title ?? null,
    logs: logs.slice(-60),
  })
}
