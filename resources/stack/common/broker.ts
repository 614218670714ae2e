import { declareTopology, type TopologyOptions } from '../../../shared/messages'
import {
  backoffDelay,
  DEFAULT_RECONNECT_BACKOFF,
  RETRY_NOW_SIGNAL,
  sleep,
  type BackoffOptions,
} from '../../../shared/backoff'
import { redactUrl } from '../../../shared/redact-url'
import { parseAmqpUrls } from './env'
import { errorMessage, type Logger } from './log'
import { ConfirmPublisher } from '../../../shared/amqp-publisher'
import { closeAmqpSession, openAmqpSession, type AmqpSession } from '../../../shared/amqp-session'

export type BrokerSession = AmqpSession<ConfirmPublisher>

/** The stack starts every service at once: the broker is usually ready some seconds later. */
export const BOOT_GRACE_MS = 60_000

export interface BrokerOptions {
  /** One URL, or several nodes of a cluster separated by commas: tried in turn. */
  url: string
  /** Shown in the management UI's connection list. */
  connectionName: string
  log: Logger
  topology: TopologyOptions
  /** false: the topology exists already and this user may not declare it (default true). */
  declareTopology?: boolean
  /** Runs on every (re)connection after the topology is declared, e.g. to start consuming. */
  onSession?: (session: BrokerSession) => Promise<void>
  onSessionLost?: () => void
  backoff?: BackoffOptions
  /** How long a failed attempt is only waiting, not a warning, until the first connection. */
  bootGraceMs?: number
  heartbeatSeconds?: number
  publishTimeoutMs?: number
}

/**
 * Keeps one connection to the broker: connects, declares the topology, hands the session to
 * the service, and on loss reconnects with exponential backoff, forever, until closed.
 */
export class BrokerClient {
  private current: BrokerSession | undefined
  private readonly stop = new AbortController()
  private loop: Promise<void> | undefined
  private readonly urls: string[]
  /** The node to try next: after a failure or a lost connection, the following one. */
  private next = 0
  /** Ends the current backoff wait early (RETRY_NOW_SIGNAL). */
  private wake = new AbortController()

  constructor(private readonly options: BrokerOptions) {
    this.urls = parseAmqpUrls(options.url)
  }

  get session(): BrokerSession | undefined {
    return this.current
  }

  get connected(): boolean {
    return this.current !== undefined
  }

  /** Connects, and reconnects on loss; RETRY_NOW_SIGNAL cuts a backoff wait short. */
  start(): void {
    if (this.loop !== undefined) return
    process.on(RETRY_NOW_SIGNAL, this.retryNow)
    this.loop = this.run()
  }

  /** Tries the broker now rather than after the backoff (the next wait, if none is running). */
  readonly retryNow = (): void => {
    if (this.current === undefined) this.wake.abort()
  }

  async close(): Promise<void> {
    process.off(RETRY_NOW_SIGNAL, this.retryNow)
    this.stop.abort()
    const session = this.current
    this.current = undefined
    if (session !== undefined) await closeAmqpSession(session)
    await this.loop
  }

  private async run(): Promise<void> {
    const { log } = this.options
    const graceEnds = Date.now() + (this.options.bootGraceMs ?? BOOT_GRACE_MS)
    let connectedOnce = false
    let failures = 0
    while (!this.stop.signal.aborted) {
      const url = this.urls[this.next++ % this.urls.length] ?? ''
      try {
        const session = await this.open(url)
        if (this.stop.signal.aborted) {
          await closeAmqpSession(session)
          break
        }
        await this.options.onSession?.(session)
        this.current = session
        failures = 0
        connectedOnce = true
        log.info({ broker: redactUrl(url) }, 'broker connected')
        const reason = await session.closed
        if (this.current === session) this.current = undefined
        if (this.stop.signal.aborted) break
        log.warn({ reason }, 'broker connection lost')
        this.options.onSessionLost?.()
        await closeAmqpSession(session)
      } catch (error) {
        this.current = undefined
        if (!connectedOnce && Date.now() < graceEnds)
          log.info({ err: errorMessage(error) }, 'waiting for the broker')
        else log.warn({ err: errorMessage(error) }, 'broker connection failed')
      }
      // Every node of a cluster is tried once before backing off.
      if (failures + 1 < this.urls.length) {
        failures += 1
        continue
      }
      failures += 1
      const rounds = Math.max(1, failures - this.urls.length + 1)
      const delay = backoffDelay(rounds, this.options.backoff ?? DEFAULT_RECONNECT_BACKOFF)
      if (this.wake.signal.aborted) {
        log.info({ attempt: failures }, 'reconnecting to broker now (asked to)')
      } else {
        log.info({ delayMs: delay, attempt: failures }, 'reconnecting to broker')
        await sleep(delay, AbortSignal.any([this.stop.signal, this.wake.signal]))
      }
      this.wake = new AbortController()
    }
  }

  private open(url: string): Promise<BrokerSession> {
    return openAmqpSession({
      url,
      connectionName: this.options.connectionName,
      heartbeatSeconds: this.options.heartbeatSeconds,
      declare: async (channel) => {
        if (this.options.declareTopology !== false)
          await declareTopology(channel, this.options.topology)
      },
      publisher: (channel) => new ConfirmPublisher(channel, this.options.publishTimeoutMs),
    })
  }
}
