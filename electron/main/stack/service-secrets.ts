import { createHash } from 'node:crypto'
import type { StackSettings } from '../../../shared/contract'
import type { QueueType } from '../../../shared/messages'
import { brokerDefinitions, type BrokerService } from './broker-users'
import type { ContainerFile } from './container-files'
import type { StackCredentials } from './definition'

// How each service gets its secrets: as files written into its container before it starts
// (never in Env, Cmd, Labels or Mounts, so `docker inspect` shows none), and as variables in an
// exported compose file, which has no such files.

/** Where MailDock puts a service's secrets in its container (readable by the service's user only). */
export const SECRETS_DIR = '/run/secrets'
/** The uid:gid the api, emailer and logger images run as (USER 1000:1000 in their Dockerfiles). */
const SERVICE_UID = 1000
/** Every broker password of the stack, for a later MailDock to adopt (root only, see credentials.ts). */
export const BROKER_CREDENTIALS_FILE = `${SECRETS_DIR}/maildock-credentials.json`

const secretFile = (name: string, content: string): ContainerFile => ({
  path: `${SECRETS_DIR}/${name}`,
  content,
  mode: 0o400,
  uid: SERVICE_UID,
  gid: SERVICE_UID,
})

/** A salt derived from the admin password: repeatable (no needless re-creation), not guessable. */
const definitionsSalt = (credentials: StackCredentials): Buffer =>
  createHash('sha256').update(`maildock-salt:${credentials.brokerPassword}`).digest().subarray(0, 4)

/**
 * The broker's own files: a config that loads the definitions (users with salted hashes, their
 * permissions, the topology) and keeps guest on loopback, and every password for adoption.
 */
export function brokerFiles(credentials: StackCredentials, queueType: QueueType): ContainerFile[] {
  const definitions = brokerDefinitions(
    credentials.brokerUser,
    { admin: credentials.brokerPassword, services: credentials.servicePasswords },
    definitionsSalt(credentials),
    queueType,
  )
  const readable = { mode: 0o444, uid: 0, gid: 0 }
  return [
    {
      path: '/etc/rabbitmq/conf.d/90-maildock.conf',
      content:
        'load_definitions = /etc/rabbitmq/maildock-definitions.json\nloopback_users.guest = true\n',
      ...readable,
    },
    {
      path: '/etc/rabbitmq/maildock-definitions.json',
      content: JSON.stringify(definitions),
      ...readable,
    },
    {
      path: BROKER_CREDENTIALS_FILE,
      content: JSON.stringify({
        admin: credentials.brokerPassword,
        services: credentials.servicePasswords,
      }),
      mode: 0o400,
      uid: 0,
      gid: 0,
    },
  ]
}

export interface EnvParts {
  env: Record<string, string>
  managedEnv: Record<string, string>
  composeEnv: Record<string, string>
  files: ContainerFile[]
}

/** A service's broker connection: its own user and a password file; the admin in compose. */
export function brokerEnv(service: BrokerService, credentials: StackCredentials): EnvParts {
  const admin = encodeURIComponent(credentials.brokerUser)
  const password = encodeURIComponent(credentials.brokerPassword)
  return {
    env: {},
    managedEnv: {
      AMQP_URL: `amqp://${service}@broker:5672`,
      AMQP_PASSWORD_FILE: `${SECRETS_DIR}/amqp-password`,
      // The broker's definitions declare the topology; the api may not (it only publishes).
      ...(service === 'api' ? { AMQP_DECLARE_TOPOLOGY: 'false' } : {}),
    },
    composeEnv: { AMQP_URL: `amqp://${admin}:${password}@broker:5672` },
    files: [secretFile('amqp-password', credentials.servicePasswords[service])],
  }
}

/** The relay password as a file (compose: a variable); `env` is the relay's plain settings. */
export function smtpSecret(
  settings: StackSettings,
  credentials: StackCredentials,
  env: Record<string, string>,
): EnvParts {
  const parts: EnvParts = { ...noParts(), env }
  const { smtp } = settings
  if (smtp.host !== '' && smtp.user !== '' && credentials.smtpPassword) {
    parts.managedEnv.SMTP_PASSWORD_FILE = `${SECRETS_DIR}/smtp-password`
    parts.composeEnv.SMTP_PASSWORD = credentials.smtpPassword
    parts.files.push(secretFile('smtp-password', credentials.smtpPassword))
  }
  return parts
}

export const noParts = (): EnvParts => ({ env: {}, managedEnv: {}, composeEnv: {}, files: [] })

export const mergeParts = (...parts: EnvParts[]): EnvParts => ({
  env: Object.assign({}, ...parts.map((p) => p.env)) as Record<string, string>,
  managedEnv: Object.assign({}, ...parts.map((p) => p.managedEnv)) as Record<string, string>,
  composeEnv: Object.assign({}, ...parts.map((p) => p.composeEnv)) as Record<string, string>,
  files: parts.flatMap((p) => p.files),
})
