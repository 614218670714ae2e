import type { SmtpTlsMode, StackSettings } from '../../../shared/contract'

export const DEFAULT_STACK_SETTINGS: StackSettings = {
  stackName: 'maildock',
  images: {
    broker: 'rabbitmq:4.2-management',
    node: 'node:22-bookworm-slim',
    catcher: 'axllent/mailpit:v1.31.1',
  },
  ports: { api: 5001, broker: 5672, brokerUi: 15672, catcherUi: 8025 },
  smtp: { host: '', port: null, user: '', tls: 'auto' },
  emailerReplicas: 1,
  queueType: 'classic',
  healthTimeoutSeconds: 120,
}

/** Turns an environment value into a setting's value, or says what is wrong with it. */
type Parse = (raw: string) => { value: unknown } | { error: string }

const text: Parse = (raw) => ({ value: raw.trim() })

const integer =
  (min: number, max: number): Parse =>
  (raw) => {
    const value = Number(raw.trim())
    return Number.isInteger(value) && value >= min && value <= max
      ? { value }
      : { error: `must be a whole number from ${min} to ${max}` }
  }

const TLS_ALIASES: Record<string, SmtpTlsMode> = {
  auto: 'auto',
  starttls: 'starttls',
  require: 'starttls',
  tls: 'tls',
  ssl: 'tls',
  implicit: 'tls',
  true: 'tls',
  off: 'off',
  none: 'off',
  false: 'off',
  no: 'off',
  insecure: 'insecure',
}

const tlsMode: Parse = (raw) => {
  const mode = TLS_ALIASES[raw.trim().toLowerCase()]
  return mode ? { value: mode } : { error: 'must be auto, starttls, tls, off or insecure' }
}

export interface SettingField {
  /** Dotted path into StackSettings. */
  path: string
  env: string
  parse: Parse
  /** What the README says about it. */
  help: string
}

export const SETTING_FIELDS: readonly SettingField[] = [
  {
    path: 'stackName',
    env: 'MAILDOCK_STACK_NAME',
    parse: text,
    help: 'name prefix and label of every resource',
  },
  {
    path: 'images.broker',
    env: 'MAILDOCK_BROKER_IMAGE',
    parse: text,
    help: 'RabbitMQ image (with the management plugin)',
  },
  {
    path: 'images.node',
    env: 'MAILDOCK_NODE_IMAGE',
    parse: text,
    help: 'Node base of the api, emailer and logger images',
  },
  {
    path: 'images.catcher',
    env: 'MAILDOCK_CATCHER_IMAGE',
    parse: text,
    help: 'mail catcher: SMTP on 1025, UI on 8025',
  },
  {
    path: 'ports.api',
    env: 'MAILDOCK_API_PORT',
    parse: integer(0, 65_535),
    help: 'API on 127.0.0.1 (0: any free port)',
  },
  {
    path: 'ports.broker',
    env: 'MAILDOCK_BROKER_PORT',
    parse: integer(0, 65_535),
    help: 'AMQP on 127.0.0.1',
  },
  {
    path: 'ports.brokerUi',
    env: 'MAILDOCK_BROKER_UI_PORT',
    parse: integer(0, 65_535),
    help: 'RabbitMQ management UI on 127.0.0.1',
  },
  {
    path: 'ports.catcherUi',
    env: 'MAILDOCK_CATCHER_UI_PORT',
    parse: integer(0, 65_535),
    help: 'mail catcher UI on 127.0.0.1',
  },
  {
    path: 'smtp.host',
    env: 'MAILDOCK_SMTP_HOST',
    parse: text,
    help: 'a real SMTP relay (empty: the catcher)',
  },
  {
    path: 'smtp.port',
    env: 'MAILDOCK_SMTP_PORT',
    parse: integer(1, 65_535),
    help: 'relay port (default 587, 465 with tls)',
  },
  { path: 'smtp.user', env: 'MAILDOCK_SMTP_USER', parse: text, help: 'relay user name' },
  {
    path: 'smtp.tls',
    env: 'MAILDOCK_SMTP_TLS',
    parse: tlsMode,
    help: 'auto, starttls, tls, off or insecure',
  },
  {
    path: 'emailerReplicas',
    env: 'MAILDOCK_EMAILER_REPLICAS',
    parse: integer(0, 20),
    help: 'emailer replicas',
  },
  {
    path: 'queueType',
    env: 'MAILDOCK_QUEUE_TYPE',
    parse: (raw) =>
      raw.trim() === 'classic' || raw.trim() === 'quorum'
        ? { value: raw.trim() }
        : { error: 'must be classic or quorum' },
    help: 'broker queue type: classic (one broker) or quorum (replicated, for a broker cluster)',
  },
  {
    path: 'healthTimeoutSeconds',
    env: 'MAILDOCK_HEALTH_TIMEOUT',
    parse: integer(1, 3_600),
    help: 'seconds a service may take to become healthy',
  },
]

/** The relay password: a secret, never written to the settings file. */
export const SMTP_PASSWORD_ENV = 'MAILDOCK_SMTP_PASS'
/** A JSON settings file, as `--config FILE` gives it. */
export const CONFIG_FILE_ENV = 'MAILDOCK_CONFIG'
/** Extra labels on every resource of the stack, `k=v,k2=v2` (tests add maildock.test=1). */
export const EXTRA_LABELS_ENV = 'MAILDOCK_STACK_LABELS'
