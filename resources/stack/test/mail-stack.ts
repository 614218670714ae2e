// Starts the whole mail stack for integration tests and benchmarks: the three service images
// built from this checkout, a real RabbitMQ and a real SMTP catcher, on a labelled network.
import { randomBytes } from 'node:crypto'
import Docker from 'dockerode'
import { connect, type ChannelModel } from 'amqplib'
import { STACK_SERVICES, type StackService } from '../build'
import { buildStackImages } from '../images'
import { CatcherTestClient } from './catcher-client'
import {
  containerLogs,
  execText,
  hostPort,
  removeLabelled,
  TEST_LABEL,
  testImages,
  waitFor,
  waitHealthy,
} from './docker-helpers'
import { errorMessage } from '../../../shared/error-message'
import type { QueueType } from '../../../shared/messages'
import { brokerNodeSpecs, removeCookie, type BrokerNodeSpec } from './broker-nodes'

const RUN_LABEL = 'maildock.test.run'
const BROKER_USER = 'maildock'
const BROKER_PASSWORD = 'maildock-test'
const SECOND_NS = 1_000_000_000
/**
 * The image's own check, polled every `intervalSeconds` (1 by default) so tests need not wait
 * 10 s for "healthy"; its 3 s limit is raised because a check starts slowly on a loaded host.
 */
function fastHealthcheck(intervalSeconds = 1) {
  return {
    Interval: intervalSeconds * SECOND_NS,
    Timeout: 30 * SECOND_NS,
    StartPeriod: 30 * SECOND_NS,
    Retries: 3,
  }
}

export interface MailStackOptions {
  /** Extra environment for the emailer, e.g. EMAILER_RETRY_DELAYS_MS. */
  emailerEnv?: Record<string, string>
  apiEnv?: Record<string, string>
  loggerEnv?: Record<string, string>
  /** Catcher settings, e.g. MP_MAX_MESSAGES for long benchmarks. */
  catcherEnv?: Record<string, string>
  docker?: Docker
  /** Streams build and start-up progress (quiet by default). */
  onProgress?: (message: string) => void
  /** 1 (default), or a RabbitMQ cluster of that many nodes, broker-1 .. broker-N. */
  brokerNodes?: number
  /** The queue type every service declares (AMQP_QUEUE_TYPE); the services' default if unset. */
  queueType?: QueueType
  /**
   * Seconds between the services' health checks (1 by default). Each check is a `docker exec`,
   * about 0.2 s of CPU on a small host (runc, the engine, the check itself): a benchmark sets
   * what the app's stack uses rather than the tests' 1 s.
   */
  healthIntervalSeconds?: number
}

type Role = StackService | 'broker' | 'catcher' | `broker-${number}`

/** A running stack; `MailStack.start()` creates it and `stop()` removes everything it made. */
export class MailStack {
  readonly containers = new Map<Role, Docker.Container>()
  apiUrl = ''
  amqpUrl = ''
  /** The catcher's SMTP port on 127.0.0.1 (to measure the sink's own ceiling). */
  smtpPort = 0
  catcher = new CatcherTestClient('')

  private constructor(
    readonly docker: Docker,
    readonly runId: string,
    private readonly options: MailStackOptions,
  ) {}

  static async start(options: MailStackOptions = {}): Promise<MailStack> {
    const docker = options.docker ?? new Docker()
    const stack = new MailStack(docker, randomBytes(4).toString('hex'), options)
    try {
      await stack.boot()
      return stack
    } catch (error) {
      const logs = await stack.allLogs().catch(() => '')
      await stack.stop()
      throw new Error(`${errorMessage(error)}\n${logs}`)
    }
  }

  /** A single-broker stack that another process started (its runId), to share it; it stops it. */
  static async adopt(runId: string, docker = new Docker()): Promise<MailStack> {
    const stack = new MailStack(docker, runId, {})
    for (const role of ['broker', 'catcher', ...STACK_SERVICES] as const) {
      stack.containers.set(role, docker.getContainer(`${stack.network}-${role}`))
    }
    await stack.refreshEndpoints()
    return stack
  }

  get network(): string {
    return `maildock-test-${this.runId}`
  }

  container(role: Role): Docker.Container {
    const container = this.containers.get(role)
    if (container === undefined) throw new Error(`no ${role} container`)
    return container
  }

  private get labels(): Record<string, string> {
    return { [TEST_LABEL]: '1', [RUN_LABEL]: this.runId }
  }

  private progress(message: string): void {
    this.options.onProgress?.(message)
  }

  private async boot(): Promise<void> {
    const images = testImages()
    await this.docker.createNetwork({ Name: this.network, Labels: this.labels })
    const built = buildStackImages({
      docker: this.docker,
      baseImage: images.node,
      labels: this.labels,
      tagFor: (service) => `maildock-test/${service}:${this.runId}`,
      onProgress: (progress) => this.progress(`${progress.service}: ${progress.message}`),
    })
    const amqpUrl = await this.createBrokers(images.broker)
    await this.create('catcher', images.catcher, {
      aliases: ['smtp'],
      ports: ['8025/tcp', '1025/tcp'],
      env: this.options.catcherEnv ?? {},
    })
    await this.refreshEndpoints()
    const tags = await built
    await this.waitForBroker()
    await this.waitForCluster()
    for (const service of STACK_SERVICES) {
      await this.create(service, tags[service], {
        aliases: [service],
        ports: service === 'api' ? ['3000/tcp'] : [],
        env: {
          AMQP_URL: amqpUrl,
          LOG_LEVEL: 'info',
          ...(this.options.queueType === undefined
            ? {}
            : { AMQP_QUEUE_TYPE: this.options.queueType }),
          ...(service === 'emailer' ? { SMTP_HOST: 'smtp', SMTP_PORT: '1025' } : {}),
          ...this.envFor(service),
        },
        volume: service === 'api' ? undefined : `${this.network}-${service}-data`,
        fastHealthcheck: true,
      })
    }
    await Promise.all(STACK_SERVICES.map((service) => waitHealthy(this.container(service))))
    await this.refreshEndpoints()
  }

  /** The broker container(s); resolves with the AMQP_URL the services get (one or a list). */
  private async createBrokers(image: string): Promise<string> {
    const credentials = { user: BROKER_USER, password: BROKER_PASSWORD }
    const nodes = await brokerNodeSpecs(this.options.brokerNodes ?? 1, credentials, this.runId)
    for (const [index, node] of nodes.entries()) {
      await this.create(index === 0 ? 'broker' : `broker-${index + 1}`, image, {
        ports: ['5672/tcp'],
        ...node,
      })
    }
    return nodes.map((node) => node.url).join(',')
  }

  /**
   * Quorum queues take their members from the cluster as it is when they are declared, so the
   * services start only once every node has joined.
   */
  private async waitForCluster(): Promise<void> {
    const nodes = this.options.brokerNodes ?? 1
    if (nodes === 1) return
    await waitFor(
      `${nodes} running broker nodes`,
      async () => ((await this.runningBrokerNodes()).length === nodes ? true : undefined),
      180_000,
      1000,
    )
  }

  /** The cluster's running nodes as node 1 sees them (`rabbit@broker-2`, ...). */
  async runningBrokerNodes(from = 1): Promise<string[]> {
    const status = await execText(this.brokerNode(from), [
      'rabbitmqctl',
      'cluster_status',
      '--formatter',
      'json',
    ])
    return (JSON.parse(status) as { running_nodes: string[] }).running_nodes
  }

  /** Node `index` (1-based) of the broker; node 1 is also the role 'broker'. */
  brokerNode(index: number): Docker.Container {
    return this.container(index === 1 ? 'broker' : `broker-${index}`)
  }

  private envFor(service: StackService): Record<string, string> {
    if (service === 'api') return this.options.apiEnv ?? {}
    if (service === 'emailer') return this.options.emailerEnv ?? {}
    return this.options.loggerEnv ?? {}
  }

  private async create(
    role: Role,
    image: string,
    spec: {
      aliases: string[]
      ports: string[]
      env?: Record<string, string>
      volume?: string | undefined
      fastHealthcheck?: boolean
      /** Instead of fastHealthcheck's: the one a replaced container had. */
      healthcheck?: Docker.HealthConfig | undefined
    } & Partial<Pick<BrokerNodeSpec, 'host' | 'entrypoint' | 'binds'>>,
  ): Promise<void> {
    this.progress(`starting ${role} (${image})`)
    if (spec.volume !== undefined) {
      await this.docker.createVolume({ Name: spec.volume, Labels: this.labels })
    }
    const container = await this.docker.createContainer({
      name: `${this.network}-${role}`,
      Hostname: spec.host ?? role,
      Image: image,
      ...(spec.entrypoint === undefined ? {} : { Entrypoint: spec.entrypoint, Cmd: [] }),
      Labels: this.labels,
      Env: Object.entries(spec.env ?? {}).map(([key, value]) => `${key}=${value}`),
      ExposedPorts: Object.fromEntries(spec.ports.map((port) => [port, {}])),
      StopTimeout: 30,
      ...(spec.fastHealthcheck === true
        ? { Healthcheck: spec.healthcheck ?? fastHealthcheck(this.options.healthIntervalSeconds) }
        : {}),
      HostConfig: {
        NetworkMode: this.network,
        ...(spec.binds === undefined ? {} : { Binds: spec.binds }),
        PortBindings: Object.fromEntries(
          spec.ports.map((port) => [port, [{ HostIp: '127.0.0.1', HostPort: '' }]]),
        ),
        ...(spec.volume === undefined
          ? {}
          : { Mounts: [{ Type: 'volume' as const, Source: spec.volume, Target: '/data' }] }),
      },
      NetworkingConfig: { EndpointsConfig: { [this.network]: { Aliases: spec.aliases } } },
    })
    this.containers.set(role, container)
    await container.start()
  }

  /** Host ports change when a container restarts; call after restarting broker or catcher. */
  async refreshEndpoints(): Promise<void> {
    const broker = await hostPort(this.container('broker'), '5672/tcp')
    this.amqpUrl = `amqp://${BROKER_USER}:${BROKER_PASSWORD}@127.0.0.1:${broker}`
    const catcher = await hostPort(this.container('catcher'), '8025/tcp')
    this.smtpPort = Number(await hostPort(this.container('catcher'), '1025/tcp'))
    this.catcher = new CatcherTestClient(`http://127.0.0.1:${catcher}`)
    if (this.containers.has('api')) {
      this.apiUrl = `http://127.0.0.1:${await hostPort(this.container('api'), '3000/tcp')}`
    }
  }

  async waitForBroker(timeoutMs = 90_000): Promise<void> {
    await this.refreshEndpoints()
    await waitFor(
      'the broker to accept AMQP connections',
      async () => {
        const connection = await connect(this.amqpUrl)
        await connection.close()
        return true
      },
      timeoutMs,
      500,
    )
  }

  async waitForCatcher(timeoutMs = 30_000): Promise<void> {
    await this.refreshEndpoints()
    await waitFor('the catcher API', () => this.catcher.total(), timeoutMs)
  }

  async connectBroker(): Promise<ChannelModel> {
    return connect(this.amqpUrl)
  }

  async restartBroker(): Promise<void> {
    await this.container('broker').restart({ t: 10 })
    await this.waitForBroker()
  }

  /** Waits until the service reports healthy again (it reconnects on its own). */
  async waitServiceHealthy(service: StackService, timeoutMs = 60_000): Promise<void> {
    await waitHealthy(this.container(service), timeoutMs)
  }

  /**
   * Another emailer, same image, environment and ledger volume, its own host name (so its own
   * ledger file): a competing consumer on the same queue.
   */
  async startEmailerReplica(name: string): Promise<Docker.Container> {
    const emailer = await this.container('emailer').inspect()
    const volume = emailer.Mounts.find((mount) => mount.Destination === '/data')?.Name
    const replica = await this.docker.createContainer({
      name: `${this.network}-${name}`,
      Hostname: name,
      Image: emailer.Config.Image,
      Labels: this.labels,
      Env: emailer.Config.Env,
      Healthcheck: fastHealthcheck(this.options.healthIntervalSeconds),
      HostConfig: {
        NetworkMode: this.network,
        ...(volume === undefined
          ? {}
          : { Mounts: [{ Type: 'volume' as const, Source: volume, Target: '/data' }] }),
      },
    })
    await replica.start()
    await waitHealthy(replica)
    return replica
  }

  /**
   * Replaces the emailer with one whose environment has `change` over it (same name, image,
   * health check and ledger volume, so the same ledger file); resolves, once it is healthy, with
   * the environment it had, which given back restores it.
   */
  async changeEmailerEnv(change: Record<string, string>): Promise<Record<string, string>> {
    const old = await this.container('emailer').inspect()
    const env = Object.fromEntries(
      (old.Config.Env ?? []).map((entry) => {
        const equals = entry.indexOf('=')
        return [entry.slice(0, equals), entry.slice(equals + 1)]
      }),
    )
    await this.container('emailer').stop({ t: 30 })
    await this.container('emailer').remove()
    await this.create('emailer', old.Config.Image, {
      aliases: ['emailer'],
      ports: [],
      env: { ...env, ...change },
      volume: old.Mounts.find((mount) => mount.Destination === '/data')?.Name,
      fastHealthcheck: true,
      healthcheck: old.Config.Healthcheck,
    })
    await waitHealthy(this.container('emailer'))
    return env
  }

  /** Starts whatever a previous test left stopped or crashed, so each test begins whole. */
  async ensureRunning(): Promise<void> {
    let restarted = false
    for (const [role, container] of this.containers) {
      if ((await container.inspect()).State.Running) continue
      this.progress(`restarting ${role}`)
      await container.start()
      restarted = true
    }
    if (!restarted) return
    await this.waitForBroker()
    await this.waitForCatcher()
    await Promise.all(STACK_SERVICES.map((service) => waitHealthy(this.container(service))))
  }

  async loggerFile(): Promise<string> {
    return execText(this.container('logger'), ['cat', '/data/events.log'])
  }

  async logsOf(role: Role, tail = 200): Promise<string> {
    return containerLogs(this.container(role), tail)
  }

  async allLogs(tail = 60): Promise<string> {
    const parts: string[] = []
    for (const [role, container] of this.containers) {
      const logs = await containerLogs(container, tail).catch((error: unknown) => String(error))
      parts.push(`----- ${role} -----\n${logs}`)
    }
    return parts.join('\n')
  }

  async stop(): Promise<void> {
    await removeLabelled(this.docker, RUN_LABEL, this.runId)
    await removeCookie(this.runId)
  }
}
