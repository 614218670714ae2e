// One catcher: SMTP and HTTP sharing a message store and chaos triggers. Port 0 picks a free port.
import { once } from 'node:events'
import type { AddressInfo, Server } from 'node:net'
import { Chaos, type ChaosTriggers } from './chaos'
import { createHttpServer } from './http'
import { createSmtpServer, type SmtpOptions, type SmtpStats } from './smtp'
import { MessageStore } from './store'

export interface CatcherOptions {
  smtpHost?: string
  smtpPort?: number
  httpHost?: string
  httpPort?: number
  maxMessages?: number
  maxMessageBytes?: number
  chaos?: ChaosTriggers
  /** Host names the HTTP side answers besides the loopback names (MP_ALLOWED_HOSTS). */
  allowedHosts?: string
  onStored?: SmtpOptions['onStored']
  onRejected?: SmtpOptions['onRejected']
}

export interface Catcher {
  smtpPort: number
  httpPort: number
  store: MessageStore
  chaos: Chaos
  close(): Promise<void>
}

export const DEFAULT_MAX_MESSAGES = 10_000
export const DEFAULT_MAX_MESSAGE_BYTES = 30 * 1024 * 1024

async function listen(server: Server, host: string, port: number): Promise<number> {
  server.listen(port, host)
  await once(server, 'listening')
  return (server.address() as AddressInfo).port
}

export async function startCatcher(options: CatcherOptions = {}): Promise<Catcher> {
  const store = new MessageStore(options.maxMessages ?? DEFAULT_MAX_MESSAGES)
  const chaos = new Chaos(options.chaos)
  const stats: SmtpStats = { accepted: 0, acceptedBytes: 0, rejected: 0 }
  const smtp = createSmtpServer({
    store,
    chaos,
    stats,
    maxMessageBytes: options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
    ...(options.onStored === undefined ? {} : { onStored: options.onStored }),
    ...(options.onRejected === undefined ? {} : { onRejected: options.onRejected }),
  })
  const http = createHttpServer({
    store,
    chaos,
    stats,
    startedAt: Date.now(),
    ...(options.allowedHosts === undefined ? {} : { allowedHosts: options.allowedHosts }),
  })

  const smtpPort = await listen(smtp.server, options.smtpHost ?? '127.0.0.1', options.smtpPort ?? 0)
  const httpPort = await listen(http, options.httpHost ?? '127.0.0.1', options.httpPort ?? 0).catch(
    async (error: unknown) => {
      await new Promise<void>((resolve) => smtp.close(resolve))
      throw error
    },
  )

  return {
    smtpPort,
    httpPort,
    store,
    chaos,
    async close() {
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()))
      http.closeAllConnections()
      await Promise.all([httpClosed, new Promise<void>((resolve) => smtp.close(resolve))])
    },
  }
}
