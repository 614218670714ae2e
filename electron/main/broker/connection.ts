import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib'
import { MaildockError, type BrokerConnection } from '../../../shared/contract'
import { backoffDelay, RECONNECT_BACKOFF, type BackoffOptions } from './backoff'
import { redactUrl, type EndpointsSource } from './endpoints'
import { ConfirmPublisher, type PublishOptions } from './publisher'
import { declareAppTopology } from './topology'
import { errorMessage } from '../../../shared/error-message'

/** One live connection: a confirm channel for declaring and publishing, and its publisher. */
export interface BrokerSession {
  connection: ChannelModel
  channel: ConfirmChannel
  publisher: ConfirmPublisher
  /** Resolves with the reason when the connection or its channel is gone. */
  closed: Promise<string>
  /** Drops the connection so the manager reconnects (a consumer that was cancelled, say). */
  fail(reason: string): void
}

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
    if (session !== undefined) await closeQuietly(session)
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
        const { amqpUrl } = await this.options.endpoints()
        this.status = { ...this.status, url: redactUrl(amqpUrl) }
        const session = await this.open(amqpUrl)
        if (this.stopped) {
          await closeQuietly(session)
          break
        }
        this.current = session
        this.moveTo('connected')
        await this.options.onSession?.(session)
        failures = 0
        reason = await session.closed
        this.current = undefined
        this.updateSubscription({ consuming: false, inFlight: 0 })
        await closeQuietly(session)
      } catch (error) {
        reason = describeConnectError(error)
        const session = this.current
        this.current = undefined
        if (session !== undefined) await closeQuietly(session)
      }
      if (this.stopped) break
      failures += 1
      const delayMs = backoffDelay(failures, this.options.backoff ?? RECONNECT_BACKOFF)
      this.options.log?.(`broker: ${reason}; reconnecting in ${delayMs} ms`)
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

  private async open(amqpUrl: string): Promise<BrokerSession> {
    const url = new URL(amqpUrl)
    if (!url.searchParams.has('heartbeat')) {
      url.searchParams.set('heartbeat', String(this.options.heartbeatSeconds ?? 10))
    }
    const connection = await connect(url.toString(), {
      clientProperties: { connection_name: this.options.connectionName ?? 'maildock-app' },
      timeout: 10_000,
    })
    let fail: (reason: string) => void = () => undefined
    const closed = new Promise<string>((resolve) => {
      fail = resolve
    })
    // 'error' is always followed by 'close'; listening keeps it from being thrown.
    connection.on('error', (error: Error) => fail(`connection error: ${error.message}`))
    connection.on('close', (error?: Error) =>
      fail(error === undefined ? 'the broker closed the connection' : error.message),
    )
    connection.on('blocked', (why: string) => {
      if (this.current?.connection === connection) this.moveTo('blocked', { blockedReason: why })
    })
    connection.on('unblocked', () => {
      if (this.current?.connection === connection) this.moveTo('connected')
    })
    try {
      const channel = await connection.createConfirmChannel()
      channel.on('error', (error: Error) => fail(`channel error: ${error.message}`))
      channel.on('close', () => fail('the broker closed the channel'))
      await declareAppTopology(channel)
      const publisher = new ConfirmPublisher(
        channel,
        this.options.publishTimeoutMs ?? 10_000,
        () =>
          this.status.state === 'blocked'
            ? `the broker blocks publishing: ${this.status.blockedReason ?? 'resource alarm'}`
            : undefined,
      )
      return { connection, channel, publisher, closed, fail: (reason) => fail(reason) }
    } catch (error) {
      await connection.close().catch(() => undefined)
      throw error
    }
  }
}

async function closeQuietly(session: BrokerSession): Promise<void> {
  await session.channel.close().catch(() => undefined)
  await session.connection.close().catch(() => undefined)
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
