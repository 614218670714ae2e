import type { BrokerQueueType, StackServiceName, StackSettings } from '../../../shared/contract'
import type { BrokerService } from './broker-users'
import type { ContainerFile } from './container-files'
import { brokerEnv, brokerFiles, mergeParts, noParts, smtpSecret } from './service-secrets'

export type BuiltService = 'api' | 'emailer' | 'logger'
export type VolumeKey = 'broker-data' | 'logger-data' | 'emailer-ledger'

export interface HealthSpec {
  /** null: the image's own HEALTHCHECK command, with these timings. */
  test: string[] | null
  intervalSeconds: number
  timeoutSeconds: number
  retries: number
  startPeriodSeconds: number
}

export type ImageSource =
  { kind: 'build'; service: BuiltService; baseImage: string } | { kind: 'image'; ref: string }

export interface ServiceSpec {
  service: StackServiceName
  image: ImageSource
  replicas: number
  hostname: string | null
  env: Record<string, string>
  /** Only in the containers MailDock creates: where the secret files are (`<NAME>_FILE`). */
  managedEnv: Record<string, string>
  /** Only in an exported compose file, which has no secret files: secrets as variables. */
  composeEnv: Record<string, string>
  /** Written into the container before it starts: never in its Env, Cmd, Labels or Mounts. */
  files: ContainerFile[]
  /** Container port -> host port on 127.0.0.1 (0: the engine picks). */
  ports: Array<{ containerPort: number; hostPort: number }>
  volumes: Array<{ key: VolumeKey; target: string }>
  health: HealthSpec
  /**
   * A line the service prints once it accepts connections, up to a health-check interval before
   * its check passes: the dependants that reconnect by themselves are told to try then, and again
   * once it is healthy (a hint only; health still decides).
   */
  readyLine?: RegExp
  /**
   * When to start: once the dependency is started or healthy. `retryWhenHealthy`: the service
   * reconnects by itself, so it starts with the dependency and is told (RETRY_NOW_SIGNAL) to try
   * again as soon as the dependency is healthy, rather than on its next backoff.
   */
  dependsOn: Array<{
    service: StackServiceName
    condition: 'healthy' | 'started'
    retryWhenHealthy?: boolean
  }>
  stopTimeoutSeconds: number
}

export interface StackSecret {
  /** The variable an exported compose file reads it from. */
  variable: string
  value: string
  description: string
}

export interface StackDefinition {
  name: string
  network: string
  volumes: Array<{ key: VolumeKey; name: string }>
  services: ServiceSpec[]
  /** Extra labels on every resource (tests add maildock.test=1). */
  labels: Record<string, string>
  secrets: StackSecret[]
  healthTimeoutSeconds: number
}

export interface StackCredentials {
  /** The broker's administrator, which MailDock itself uses (and an exported compose file). */
  brokerUser: string
  brokerPassword: string
  /** Each service's own broker user (named after the service) and its password. */
  servicePasswords: Record<BrokerService, string>
  /** The relay's password, when a relay with a user is set. */
  smtpPassword: string | null
}

export const containerName = (stack: string, service: string, replica: number): string =>
  `${stack}-${service}-${replica}`
export const networkName = (stack: string): string => `${stack}-net`
export const volumeName = (stack: string, key: VolumeKey): string => `${stack}-${key}`
/**
 * One per queue type: the broker declares its queues from definitions at every boot, and a queue
 * kept with the other type would refuse them. A switch starts empty; switching back finds the
 * messages left behind.
 */
export const brokerVolumeName = (stack: string, queueType: BrokerQueueType): string =>
  `${volumeName(stack, 'broker-data')}-${queueType}`

/**
 * Until a check of ours has passed once, the engine runs it every HOLDING_INTERVAL_SECONDS and it
 * holds its answer until the service is ready; after that it waits HEALTH_HOLD_SECONDS before it
 * checks. The engine (Docker before 25 has no start_interval) runs a check one interval after the
 * start and one interval after the last one ended: a service is healthy about as it gets ready,
 * and at rest each is checked every 4.5 s (each check costs the engine some 50 ms of CPU here).
 */
const HOLDING_INTERVAL_SECONDS = 0.5
export const HEALTH_HOLD_SECONDS = 4

/**
 * A bash check that passes when something accepts a TCP connection on the port. Until it has
 * passed once (the marker file), it tries every 0.1 s for about 7 s, so it passes as the port
 * opens; after that it waits `holdSeconds`, then tries once. It closes before sending anything.
 */
export function tcpCheckScript(port: number, marker: string, holdSeconds: number): string {
  return [
    `t=70; [ -e ${marker} ] && { t=1; sleep ${holdSeconds}; }`,
    `while ! { exec 3<>/dev/tcp/127.0.0.1/${port}; } 2>/dev/null; do ((--t > 0)) || exit 1; sleep 0.1; done`,
    `exec 3>&-; : >${marker} 2>/dev/null || true`,
  ].join('; ')
}

/**
 * The broker is healthy when its AMQP listener accepts a connection: RabbitMQ opens it only once
 * it has booted. Closing before the protocol header leaves no line in the broker's log (a header
 * followed by a close logs three, two of them warnings, every check).
 */
export const BROKER_HEALTH_SCRIPT = tcpCheckScript(
  5672,
  '/tmp/maildock-broker-was-ready',
  HEALTH_HOLD_SECONDS,
)

/** RabbitMQ's line once its AMQP listener is open: "started TCP listener on [::]:5672". */
const BROKER_READY_LINE = /started TCP listener on \S+:5672\s*$/

/**
 * The api/emailer/logger images' own HEALTHCHECK (their Dockerfiles): GET /health answers 200,
 * connected to the broker, asked with bash's /dev/tcp (a `node -e` check costs seconds of CPU);
 * it holds as tcpCheckScript does.
 */
const IMAGE_CHECK = null

/**
 * Node starts slowly on a busy machine: a generous time-out keeps a loaded host from flapping.
 * A check that does not hold (the catcher's: Mailpit's own) runs every 2 s.
 */
const quick = (test: string[] | null, intervalSeconds: number): HealthSpec => ({
  test,
  intervalSeconds,
  timeoutSeconds: 10,
  retries: 3,
  startPeriodSeconds: 30,
})

function smtpEnv(settings: StackSettings, credentials: StackCredentials): Record<string, string> {
  const { smtp } = settings
  if (smtp.host === '') return { SMTP_HOST: 'catcher', SMTP_PORT: '1025', SMTP_IGNORE_TLS: 'true' }
  const env: Record<string, string> = {
    SMTP_HOST: smtp.host,
    SMTP_PORT: String(smtp.port ?? (smtp.tls === 'tls' ? 465 : 587)),
  }
  const withUser = smtp.user !== '' && Boolean(credentials.smtpPassword)
  if (smtp.tls === 'tls') env.SMTP_SECURE = 'true'
  // With a user, auto means STARTTLS or nothing: the password never goes in clear text.
  if (smtp.tls === 'starttls' || (smtp.tls === 'auto' && withUser)) env.SMTP_REQUIRE_TLS = 'true'
  if (smtp.tls === 'off' || smtp.tls === 'insecure') env.SMTP_IGNORE_TLS = 'true'
  if (smtp.tls === 'insecure' && withUser) env.SMTP_ALLOW_PLAINTEXT_AUTH = 'true'
  if (withUser) env.SMTP_USER = smtp.user
  return env
}

/** What every service starts from; each spec overrides what it needs. */
const BASE = {
  replicas: 1,
  hostname: null,
  volumes: [],
  dependsOn: [],
  stopTimeoutSeconds: 30,
  managedEnv: {},
  composeEnv: {},
  files: [],
} as const satisfies Partial<ServiceSpec>

/** The broker boots for seconds: its clients start meanwhile and connect once it is healthy. */
const ON_BROKER = { service: 'broker', condition: 'started', retryWhenHealthy: true } as const

function brokerSpec(settings: StackSettings, credentials: StackCredentials): ServiceSpec {
  const { ports, images } = settings
  return {
    ...BASE,
    service: 'broker',
    image: { kind: 'image', ref: images.broker },
    // RabbitMQ names its node, and its data folder, after the host name.
    hostname: 'broker',
    env: {},
    // A compose file has no definitions: the image's default user is the administrator.
    composeEnv: {
      RABBITMQ_DEFAULT_USER: credentials.brokerUser,
      RABBITMQ_DEFAULT_PASS: credentials.brokerPassword,
    },
    files: brokerFiles(credentials, settings.queueType),
    ports: [
      { containerPort: 5672, hostPort: ports.broker },
      { containerPort: 15672, hostPort: ports.brokerUi },
    ],
    health: {
      test: ['CMD', 'bash', '-c', BROKER_HEALTH_SCRIPT],
      intervalSeconds: HOLDING_INTERVAL_SECONDS,
      timeoutSeconds: 10,
      retries: 5,
      startPeriodSeconds: 90,
    },
    // Queued messages outlive the container: a changed setting or image re-creates it.
    volumes: [{ key: 'broker-data', target: '/var/lib/rabbitmq' }],
    readyLine: BROKER_READY_LINE,
  }
}

/** The api, emailer and logger: built from this checkout, each with its own broker user. */
function builtSpecs(settings: StackSettings, credentials: StackCredentials): ServiceSpec[] {
  const image = (service: BuiltService): ImageSource => ({
    kind: 'build',
    service,
    baseImage: settings.images.node,
  })
  const broker = (service: BrokerService, env: Record<string, string>, more = noParts()) =>
    mergeParts(
      { ...noParts(), env: { AMQP_QUEUE_TYPE: settings.queueType, ...env } },
      brokerEnv(service, credentials),
      more,
    )
  const useCatcher = settings.smtp.host === ''
  return [
    {
      ...BASE,
      service: 'api',
      image: image('api'),
      // Loopback names and its own alias only (DNS rebinding guard, shared/allowed-host.ts).
      ...broker('api', { API_PORT: '3000', API_ALLOWED_HOSTS: 'api' }),
      ports: [{ containerPort: 3000, hostPort: settings.ports.api }],
      health: quick(IMAGE_CHECK, HOLDING_INTERVAL_SECONDS),
      dependsOn: [ON_BROKER],
    },
    {
      ...BASE,
      service: 'emailer',
      image: image('emailer'),
      replicas: settings.emailerReplicas,
      ...broker(
        'emailer',
        { HEALTH_PORT: '8080' },
        smtpSecret(settings, credentials, smtpEnv(settings, credentials)),
      ),
      ports: [],
      volumes: [{ key: 'emailer-ledger', target: '/data' }],
      health: quick(IMAGE_CHECK, HOLDING_INTERVAL_SECONDS),
      dependsOn: useCatcher
        ? [ON_BROKER, { service: 'catcher', condition: 'started' }]
        : [ON_BROKER],
    },
    {
      ...BASE,
      service: 'logger',
      image: image('logger'),
      ...broker('logger', { HEALTH_PORT: '8080' }),
      ports: [],
      volumes: [{ key: 'logger-data', target: '/data' }],
      health: quick(IMAGE_CHECK, HOLDING_INTERVAL_SECONDS),
      dependsOn: [ON_BROKER],
    },
  ]
}

function catcherSpec({ ports, images }: StackSettings): ServiceSpec {
  return {
    ...BASE,
    service: 'catcher',
    image: { kind: 'image', ref: images.catcher },
    // Mailpit (1.31.1 and later) and the stand-in catcher refuse any other Host. Chaos
    // (failure injection from the Mailbox panel) is off in Mailpit unless enabled.
    env: { MP_ALLOWED_HOSTS: 'catcher', MP_ENABLE_CHAOS: 'true' },
    ports: [{ containerPort: 8025, hostPort: ports.catcherUi }],
    health: quick(null, 2),
  }
}

function stackSecrets(settings: StackSettings, credentials: StackCredentials): StackSecret[] {
  const secrets: StackSecret[] = [
    {
      variable: 'MAILDOCK_BROKER_PASSWORD',
      value: credentials.brokerPassword,
      description: `password of the broker user ${credentials.brokerUser}`,
    },
  ]
  const { smtp } = settings
  if (credentials.smtpPassword && smtp.user !== '' && smtp.host !== '') {
    secrets.push({
      variable: 'MAILDOCK_SMTP_PASS',
      value: credentials.smtpPassword,
      description: `password of ${smtp.user} on ${smtp.host}`,
    })
  }
  return secrets
}

/** The whole stack, as the settings and credentials ask for it. */
export function defineStack(
  settings: StackSettings,
  credentials: StackCredentials,
  labels: Record<string, string> = {},
): StackDefinition {
  const stack = settings.stackName
  const useCatcher = settings.smtp.host === ''
  return {
    name: stack,
    network: networkName(stack),
    volumes: [
      { key: 'broker-data', name: brokerVolumeName(stack, settings.queueType) },
      { key: 'logger-data', name: volumeName(stack, 'logger-data') },
      { key: 'emailer-ledger', name: volumeName(stack, 'emailer-ledger') },
    ],
    services: [
      brokerSpec(settings, credentials),
      ...builtSpecs(settings, credentials),
      ...(useCatcher ? [catcherSpec(settings)] : []),
    ],
    labels,
    secrets: stackSecrets(settings, credentials),
    healthTimeoutSeconds: settings.healthTimeoutSeconds,
  }
}

/** Services in an order where each comes after what it depends on. */
export function dependencyOrder(services: readonly ServiceSpec[]): ServiceSpec[] {
  const done = new Set<string>()
  const ordered: ServiceSpec[] = []
  const names = new Set(services.map((spec) => spec.service))
  while (ordered.length < services.length) {
    const ready = services.filter(
      (spec) =>
        !done.has(spec.service) &&
        spec.dependsOn.every((dep) => done.has(dep.service) || !names.has(dep.service)),
    )
    if (ready.length === 0) throw new Error('the stack definition has a dependency cycle')
    for (const spec of ready) {
      done.add(spec.service)
      ordered.push(spec)
    }
  }
  return ordered
}
