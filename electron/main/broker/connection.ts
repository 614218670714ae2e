import { MaildockError, type BrokerConnection } from '../../../shared/contract'
import { backoffDelay, type BackoffOptions } from '../../../shared/backoff'
import { redactUrl } from '../../../shared/redact-url'
import type { EndpointsSource } from './endpoints'
import { ContractConfirmPublisher, type PublishOptions } from './publisher'
import { declareAppTopology } from './topology'
import { errorMessage } from '../../../shared/error-message'
import { closeAmqpSession, openAmqpSession, type AmqpSession } from '../../../shared/amqp-session'
import type { QueueType } from '../../../shared/messages'

const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, jitter: 0.3 }

export type BrokerSession = AmqpSession<ContractConfirmPublisher>

export interface ConnectionManagerOptions {
  endpoints: EndpointsSource
  connectionName?: string
  backoff?: BackoffOptions
  publishTimeoutMs?: number
  heartbeatSeconds?: number
  /** Runs on every new session once the topology is declared (starts the subscription). */
  onSession?: (session: BrokerSession) => Promise<void>
  log?: (message: string, error?: unknown) => void
}

type Subscription = BrokerConnection['subscription']
type Listener = (status: BrokerConnection) => void

/**
 * The app's connection to the stack's broker: connects, declares its topology, reconnects with
 * exponential backoff (forever, until closed), follows blocked/unblocked, and reports its state.
 */
export class BrokerConnectionManager {
  private current: BrokerSession | undefined
  private status: BrokerConnection
  private readonly listeners = new Set<Listener>()
  private loop: Promise<void> | undefined
  private stopped = false
  private wake: (() => void) | undefined

  constructor(private readonly options: ConnectionManagerOptions) {
    this.status = {
      state: 'idle',
      since: Date.now(),
      subscription: { consuming: false, consumed: 0, invalid: 0, inFlight: 0 },
    }
  }

  get state(): BrokerConnection {
    return this.status
  }

  get session(): BrokerSession | undefined {
    return this.current
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  start(): void {
    this.stopped = false
    this.loop ??= this.run()
  }

  /** Skips the rest of the current backoff wait (the user pressed Reconnect, or the stack came up). */
  reconnectNow(): BrokerConnection {
    this.start()
    this.wake?.()
    return this.status
  }

  /** Tries at once if a retry is waiting; never starts a manager that was not started. */
  wakeUp(): void {
    if (this.loop !== undefined) this.wake?.()
  }

  async close(): Promise<void> {
    this.stopped = true
    this.wake?.()
    const session = this.current
    this.current = undefined
    if (session !== undefined) await closeAmqpSession(session)
    await this.loop
    this.loop = undefined
  }

  /** Publishes with confirms on the current session; UNAVAILABLE when not connected. */
  publish(exchange: string, key: string, content: Buffer, options?: PublishOptions): Promise<void> {
    const session = this.current
    if (session === undefined) return Promise.reject(this.notConnected())
    return session.publisher.publish(exchange, key, content, options)
  }

  notConnected(): MaildockError {
    const { state, url, error } = this.status
    const where = url === undefined ? 'the broker' : `the broker at ${url}`
    return new MaildockError(
      'UNAVAILABLE',
      `Not connected to ${where} (${state}${error === undefined ? '' : `: ${error}`})`,
    )
  }

  updateSubscription(patch: Partial<Subscription>): void {
    this.set({ ...this.status, subscription: { ...this.status.subscription, ...patch } })
  }

  /** The subscription's whole state, so a cleared error is cleared here too. */
  setSubscription(subscription: Subscription): void {
    this.set({ ...this.status, subscription })
  }

  private set(next: BrokerConnection): void {
    this.status = next
    for (const listener of this.listeners) listener(next)
  }

  private moveTo(state: BrokerConnection['state'], extra: Partial<BrokerConnection> = {}): void {
    const { subscription, url } = this.status
    this.set({
      state,
      since: Date.now(),
      subscription,
      ...(url === undefined ? {} : { url }),
      ...extra,
    })
  }

  private async run(): Promise<void> {
    let failures = 0
    while (!this.stopped) {
      let reason: string
      if (failures === 0) this.moveTo('connecting')
      try {
        const { amqpUrl, queueType } = await this.options.endpoints()
        this.status = { ...this.status, url: redactUrl(amqpUrl) }
        const session = await this.open(amqpUrl, queueType)
        if (this.stopped) {
          await closeAmqpSession(session)
          break
        }
        this.current = session
        this.moveTo('connected')
        await this.options.onSession?.(session)
        failures = 0
        reason = await session.closed
        this.current = undefined
        this.updateSubscription({ consuming: false, inFlight: 0 })
        await closeAmqpSession(session)
      } catch (error) {
        reason = describeConnectError(error)
        const session = this.current
        this.current = undefined
        if (session !== undefined) await closeAmqpSession(session)
      }
      if (this.stopped) break
      failures += 1
      const delayMs = backoffDelay(failures, this.options.backoff ?? RECONNECT_BACKOFF)
      this.options.log?.(`broker: ${reason.replace(/\.$/, '')}; reconnecting in ${delayMs} ms`)
      this.moveTo('reconnecting', {
        error: reason,
        attempt: failures,
        nextRetryAt: Date.now() + delayMs,
      })
      await this.sleep(delayMs)
    }
    this.moveTo('stopped')
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        this.wake = undefined
        resolve()
      }
      const timer = setTimeout(done, ms)
      this.wake = done
    })
  }

  private open(amqpUrl: string, queueType?: QueueType): Promise<BrokerSession> {
    return openAmqpSession({
      url: amqpUrl,
      connectionName: this.options.connectionName ?? 'maildock-app',
      heartbeatSeconds: this.options.heartbeatSeconds,
      declare: (channel) => declareAppTopology(channel, queueType),
      publisher: (channel) =>
        new ContractConfirmPublisher(channel, this.options.publishTimeoutMs ?? 10_000, () =>
          this.status.state === 'blocked'
            ? `the broker blocks publishing: ${this.status.blockedReason ?? 'resource alarm'}`
            : undefined,
        ),
      onBlocked: (connection, why) => {
        if (this.current?.connection === connection) this.moveTo('blocked', { blockedReason: why })
      },
      onUnblocked: (connection) => {
        if (this.current?.connection === connection) this.moveTo('connected')
      },
    })
  }
}

function describeConnectError(error: unknown): string {
  if (error instanceof MaildockError) return error.message
  const code = (error as { code?: unknown } | null)?.code
  const message = errorMessage(error)
  if (code === 'ECONNREFUSED')
    return `connection refused (${message.replace(/^connect /, '')}): is the stack running?`
  if (/ACCESS.REFUSED|403/.test(message)) return `the broker refused the credentials (${message})`
  return message
}
