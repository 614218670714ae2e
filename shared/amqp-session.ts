import { Socket } from 'node:net'
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib'

// Opening one broker connection with its confirm channel, shared by the stack services and the app.

/** One live connection: a confirm channel (declare, publish, consume) and the publisher on it. */
export interface AmqpSession<P> {
  connection: ChannelModel
  channel: ConfirmChannel
  publisher: P
  /** Resolves with the reason when the connection or its channel is gone. */
  closed: Promise<string>
  /** Drops the session so its owner reconnects (a consumer that was cancelled, say). */
  fail(reason: string): void
}

export interface OpenSessionOptions<P> {
  url: string
  /** Shown in the management UI's connection list. */
  connectionName: string
  heartbeatSeconds?: number
  /** Declares what this client needs before the session is handed out. */
  declare: (channel: ConfirmChannel) => Promise<unknown>
  publisher: (channel: ConfirmChannel) => P
  onBlocked?: (connection: ChannelModel, reason: string) => void
  onUnblocked?: (connection: ChannelModel) => void
}

export async function openAmqpSession<P>(options: OpenSessionOptions<P>): Promise<AmqpSession<P>> {
  const connection = await connect(withHeartbeat(options.url, options.heartbeatSeconds ?? 10), {
    clientProperties: { connection_name: options.connectionName },
    timeout: 10_000,
  })
  coalesceWrites((connection.connection as { stream?: unknown }).stream)
  let fail: (reason: string) => void = () => undefined
  const closed = new Promise<string>((resolve) => {
    fail = resolve
  })
  // 'error' is always followed by 'close'; listening keeps it from being thrown.
  connection.on('error', (error: Error) => fail(`connection error: ${error.message}`))
  connection.on('close', (error?: Error) =>
    fail(error === undefined ? 'the broker closed the connection' : error.message),
  )
  connection.on('blocked', (why: string) => options.onBlocked?.(connection, why))
  connection.on('unblocked', () => options.onUnblocked?.(connection))
  try {
    const channel = await connection.createConfirmChannel()
    channel.on('error', (error: Error) => fail(`channel error: ${error.message}`))
    channel.on('close', () => fail('the broker closed the channel'))
    await options.declare(channel)
    const publisher = options.publisher(channel)
    return { connection, channel, publisher, closed, fail: (reason) => fail(reason) }
  } catch (error) {
    await connection.close().catch(() => undefined)
    throw error
  }
}

export async function closeAmqpSession(session: AmqpSession<unknown>): Promise<void> {
  await session.channel.close().catch(() => undefined)
  await session.connection.close().catch(() => undefined)
}

/**
 * amqplib writes each frame to the socket on its own: a system call and a packet per publish and
 * per ack (the api's batch of 500 emails: 500 of each, and as many reads for the broker). Corked
 * from the first write until the next tick, the frames written together leave in one. write()
 * still returns false past the high-water mark, and 'drain' follows the flush. Should amqplib stop
 * exposing its socket as `connection.stream`, frames simply leave one by one as before.
 */
export function coalesceWrites(socket: unknown): void {
  if (!(socket instanceof Socket)) return
  const write = socket.write.bind(socket) as (...args: unknown[]) => boolean
  let corked = false
  const uncork = () => {
    corked = false
    socket.uncork()
  }
  socket.write = (...args: unknown[]) => {
    if (!corked) {
      corked = true
      socket.cork()
      process.nextTick(uncork)
    }
    return write(...args)
  }
}

/** A short heartbeat notices a dead broker in seconds rather than the server's 60 s default. */
function withHeartbeat(url: string, seconds: number): string {
  const parsed = new URL(url)
  if (!parsed.searchParams.has('heartbeat')) parsed.searchParams.set('heartbeat', String(seconds))
  return parsed.toString()
}
