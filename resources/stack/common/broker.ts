import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib'
import { declareTopology, type TopologyOptions } from '../../../shared/messages'
import { backoffDelay, DEFAULT_RECONNECT_BACKOFF, sleep, type BackoffOptions } from './backoff'
import { redactUrl } from './env'
import { errorMessage, type Logger } from './log'
import { ConfirmPublisher } from '../../../shared/amqp-publisher'

/** One live connection: a confirm channel (publish and consume) and its publisher. */
export interface BrokerSession {
  connection: ChannelModel
  channel: ConfirmChannel
  publisher: ConfirmPublisher
  /** Resolves when the connection or the channel is gone. */
  closed: Promise<void>
}

export interface BrokerOptions {
  url: string
  /** Shown in the management UI's connection list. */
  connectionName: string
  log: Logger
  topology: TopologyOptions
  /** Runs on every (re)connection after the topology is declared, e.g. to start consuming. */
  onSession?: (session: BrokerSession) => Promise<void>
  onSessionLost?: () => void
  backoff?: BackoffOptions
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

  constructor(private readonly options: BrokerOptions) {}

  get session(): BrokerSession | undefined {
    return this.current
  }

  get connected(): boolean {
    return this.current !== undefined
  }

  start(): void {
    this.loop ??= this.run()
  }

  async close(): Promise<void> {
    this.stop.abort()
    const session = this.current
    this.current = undefined
    if (session !== undefined) await closeQuietly(session)
    await this.loop
  }

  private async run(): Promise<void> {
    const { log } = this.options
    let failures = 0
    while (!this.stop.signal.aborted) {
      try {
        const session = await this.open()
        if (this.stop.signal.aborted) {
          await closeQuietly(session)
          break
        }
        await this.options.onSession?.(session)
        this.current = session
        failures = 0
        log.info({ broker: redactUrl(this.options.url) }, 'broker connected')
        await session.closed
        if (this.current === session) this.current = undefined
        if (this.stop.signal.aborted) break
        log.warn('broker connection lost')
        this.options.onSessionLost?.()
        await closeQuietly(session)
      } catch (error) {
        this.current = undefined
        log.warn({ err: errorMessage(error) }, 'broker connection failed')
      }
      failures += 1
      const delay = backoffDelay(failures, this.options.backoff ?? DEFAULT_RECONNECT_BACKOFF)
      log.info({ delayMs: delay, attempt: failures }, 'reconnecting to broker')
      await sleep(delay, this.stop.signal)
    }
  }

  private async open(): Promise<BrokerSession> {
    const url = withDefaultHeartbeat(this.options.url, this.options.heartbeatSeconds ?? 10)
    const connection = await connect(url, {
      clientProperties: { connection_name: this.options.connectionName },
      timeout: 10_000,
    })
    try {
      // 'error' is always followed by 'close'; listening keeps it from being thrown.
      connection.on('error', (error: Error) => {
        this.options.log.warn({ err: error.message }, 'broker connection error')
      })
      const channel = await connection.createConfirmChannel()
      channel.on('error', (error: Error) => {
        this.options.log.warn({ err: error.message }, 'broker channel error')
      })
      const closed = new Promise<void>((resolve) => {
        connection.once('close', () => resolve())
        channel.once('close', () => resolve())
      })
      await declareTopology(channel, this.options.topology)
      return {
        connection,
        channel,
        publisher: new ConfirmPublisher(channel, this.options.publishTimeoutMs),
        closed,
      }
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

/** A short heartbeat notices a dead broker in seconds rather than the server's 60 s default. */
function withDefaultHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url)
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds))
  return parsed.toString()
}
