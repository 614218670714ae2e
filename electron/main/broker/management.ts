import { MaildockError, type BrokerOverview, type QueueInfo } from '../../../shared/contract'
import { QUEUES } from '../../../shared/messages'
import { errorMessage } from '../../../shared/error-message'

interface RateDetails {
  rate?: number
}
interface ManagementQueue {
  name: string
  durable?: boolean
  state?: string
  messages?: number
  messages_ready?: number
  messages_unacknowledged?: number
  consumers?: number
  message_stats?: {
    publish_details?: RateDetails
    deliver_get_details?: RateDetails
    ack_details?: RateDetails
  }
}

interface ManagementNode {
  name: string
  mem_alarm?: boolean
  disk_free_alarm?: boolean
}

function alarmsOf(node: ManagementNode): string[] {
  return [
    ...(node.mem_alarm === true ? [`memory alarm on ${node.name}`] : []),
    ...(node.disk_free_alarm === true ? [`disk space alarm on ${node.name}`] : []),
  ]
}

/** The RabbitMQ management HTTP API: the stack's queues with counts and rates. */
export class ManagementClient {
  private readonly base: string
  private readonly authorization: string

  constructor(
    managementUrl: string,
    private readonly timeoutMs = 5_000,
  ) {
    // fetch() refuses URLs with credentials in them: move them into the header.
    const url = new URL(managementUrl)
    this.authorization = `Basic ${Buffer.from(
      `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`,
    ).toString('base64')}`
    url.username = ''
    url.password = ''
    this.base = url.toString().replace(/\/$/, '')
  }

  get displayUrl(): string {
    return this.base
  }

  async overview(): Promise<BrokerOverview> {
    const [queues, info, nodes] = await Promise.all([
      this.get<ManagementQueue[]>('/api/queues/%2F?disable_stats=false'),
      this.get<{ rabbitmq_version?: string }>('/api/overview').catch(() => undefined),
      this.get<ManagementNode[]>('/api/nodes').catch(() => []),
    ])
    const mapped = queues.map(toQueueInfo).sort(byRoleThenName)
    return {
      state: 'ok',
      fetchedAt: Date.now(),
      managementUrl: this.base,
      ...(info?.rabbitmq_version === undefined ? {} : { rabbitmqVersion: info.rabbitmq_version }),
      alarms: nodes.flatMap(alarmsOf),
      queues: mapped,
      totals: {
        ready: sum(mapped, 'ready'),
        unacked: sum(mapped, 'unacked'),
        publishRate: sum(mapped, 'publishRate'),
        deliverRate: sum(mapped, 'deliverRate'),
      },
    }
  }

  private async get<T>(path: string): Promise<T> {
    let response: Response
    try {
      response = await fetch(`${this.base}${path}`, {
        headers: { authorization: this.authorization, accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      })
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code
      throw new MaildockError(
        'UNAVAILABLE',
        cause === 'ECONNREFUSED'
          ? `The broker's management API at ${this.base} refused the connection: is the stack running?`
          : `The broker's management API at ${this.base} did not answer: ${errorMessage(error)}`,
      )
    }
    if (response.status === 401) {
      throw new MaildockError('UNAVAILABLE', `The broker's management API refused the credentials`)
    }
    if (!response.ok) {
      throw new MaildockError(
        'UNAVAILABLE',
        `The broker's management API answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
      )
    }
    return (await response.json()) as T
  }
}

export function queueRole(name: string): QueueInfo['role'] {
  if (name === QUEUES.emailer) return 'work'
  if (name === QUEUES.deadLetter) return 'dead-letter'
  if (name === QUEUES.logger) return 'logger'
  if (name === QUEUES.app) return 'app'
  if (name.startsWith(`${QUEUES.emailer}.retry.`)) return 'retry'
  return 'other'
}

const ROLE_ORDER: QueueInfo['role'][] = ['work', 'retry', 'dead-letter', 'logger', 'app', 'other']

function byRoleThenName(a: QueueInfo, b: QueueInfo): number {
  const role = ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role)
  return role !== 0 ? role : a.name.localeCompare(b.name, undefined, { numeric: true })
}

function toQueueInfo(queue: ManagementQueue): QueueInfo {
  const stats = queue.message_stats ?? {}
  const ready = queue.messages_ready ?? 0
  const unacked = queue.messages_unacknowledged ?? 0
  return {
    name: queue.name,
    role: queueRole(queue.name),
    durable: queue.durable ?? false,
    state: queue.state ?? 'unknown',
    ready,
    unacked,
    total: queue.messages ?? ready + unacked,
    consumers: queue.consumers ?? 0,
    publishRate: round(stats.publish_details?.rate),
    deliverRate: round(stats.deliver_get_details?.rate),
    ackRate: round(stats.ack_details?.rate),
  }
}

function round(rate: number | undefined): number {
  return Math.round((rate ?? 0) * 10) / 10
}

function sum(queues: QueueInfo[], field: 'ready' | 'unacked' | 'publishRate' | 'deliverRate') {
  return Math.round(queues.reduce((total, queue) => total + queue[field], 0) * 10) / 10
}
