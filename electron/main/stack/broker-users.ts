import { createHash, randomBytes } from 'node:crypto'
import { describeTopology, EXCHANGES, QUEUES, type QueueType } from '../../../shared/messages'

/** The services that talk to the broker, each as its own broker user. */
export const BROKER_SERVICES = ['api', 'emailer', 'logger'] as const
export type BrokerService = (typeof BROKER_SERVICES)[number]

export interface BrokerPasswords {
  /** The administrator MailDock itself uses (management UI, the app's queue). */
  admin: string
  services: Record<BrokerService, string>
}

interface Permission {
  configure: string
  write: string
  read: string
}

const escape = (name: string): string => name.replaceAll('.', '\\.')
const anyOf = (names: string[]): string => `^(${names.map(escape).join('|')})$`

/** Every name of the shared topology but the app's queue (retry queues by prefix). */
const TOPOLOGY = `^(${[
  EXCHANGES.requests,
  EXCHANGES.events,
  QUEUES.emailer,
  QUEUES.logger,
  QUEUES.deadLetter,
]
  .map(escape)
  .join('|')}|maildock\\.emailer\\.retry\\..+)$`

/**
 * What each service may do. The api declares nothing (the definitions do) and only publishes to
 * the two exchanges; the emailer and the logger declare the shared topology and read only their
 * own queue (binding a queue needs read on the exchange).
 */
export const SERVICE_PERMISSIONS: Record<BrokerService, Permission> = {
  api: { configure: '^$', write: anyOf([EXCHANGES.requests, EXCHANGES.events]), read: '^$' },
  emailer: {
    configure: TOPOLOGY,
    write: `${TOPOLOGY}|^amq\\.default$`,
    read: anyOf([EXCHANGES.requests, EXCHANGES.events, QUEUES.emailer]),
  },
  logger: {
    configure: TOPOLOGY,
    write: TOPOLOGY,
    read: anyOf([EXCHANGES.requests, EXCHANGES.events, QUEUES.logger]),
  },
}

/** RabbitMQ's rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)). */
export function rabbitPasswordHash(password: string, salt: Uint8Array = randomBytes(4)): string {
  const digest = createHash('sha256').update(salt).update(password, 'utf8').digest()
  return Buffer.concat([salt, digest]).toString('base64')
}

/**
 * The broker's definitions, loaded at boot: the users (salted hashes, no password), their
 * permissions on the default vhost and the shared topology, so that the api can publish before
 * any consumer has connected. `salt` makes the output repeatable (its hash decides re-creation).
 */
export function brokerDefinitions(
  adminUser: string,
  passwords: BrokerPasswords,
  salt: Uint8Array,
  queueType: QueueType = 'classic',
) {
  const vhost = '/'
  const user = (name: string, password: string, tags: string[]) => ({
    name,
    password_hash: rabbitPasswordHash(password, salt),
    hashing_algorithm: 'rabbit_password_hashing_sha256',
    tags,
  })
  const topology = describeTopology({ queueType })
  return {
    users: [
      user(adminUser, passwords.admin, ['administrator']),
      ...BROKER_SERVICES.map((service) => user(service, passwords.services[service], [])),
    ],
    vhosts: [{ name: vhost }],
    permissions: [
      { user: adminUser, vhost, configure: '.*', write: '.*', read: '.*' },
      ...BROKER_SERVICES.map((service) => ({
        user: service,
        vhost,
        ...SERVICE_PERMISSIONS[service],
      })),
    ],
    exchanges: topology.exchanges.map((exchange) => ({
      name: exchange.name,
      vhost,
      type: exchange.type,
      durable: true,
      auto_delete: false,
      internal: false,
      arguments: {},
    })),
    queues: topology.queues.map((queue) => ({
      name: queue.name,
      vhost,
      durable: true,
      auto_delete: false,
      arguments: queue.arguments,
    })),
    bindings: topology.bindings.map((binding) => ({
      source: binding.exchange,
      vhost,
      destination: binding.queue,
      destination_type: 'queue',
      routing_key: binding.pattern,
      arguments: {},
    })),
  }
}
