import type { ConsumeMessage } from 'amqplib'
import { QUEUES } from '../../../../shared/messages'
import { sleep } from '../../../../shared/backoff'
import { BrokerClient, type BrokerSession } from '../../common/broker'
import { closeServer, startHealthServer } from '../../common/health'
import { errorMessage } from '../../../../shared/error-message'
import { createLogger } from '../../common/log'
import { onShutdownSignal } from '../../common/shutdown'
import { loadEmailerConfig } from './config'
import { SentLedger } from './ledger'
import { EmailProcessor, type Delivery } from './processor'
import { createSmtpMailer } from './smtp'

const log = createLogger('emailer')
const config = loadEmailerConfig(process.env)
const ledger = SentLedger.open({
  dir: config.ledgerDir,
  replica: config.replica,
  retentionMs: config.ledgerRetentionMs,
})
log.info({ ids: ledger.size, dir: config.ledgerDir }, 'sent-ledger loaded')
const mailer = createSmtpMailer(config.smtp)
const processor = new EmailProcessor({ config, ledger, mailer, log })
const inFlight = new Set<Promise<void>>()
let consuming: { session: BrokerSession; consumerTag: string } | undefined
let stopping = false

const broker = new BrokerClient({
  url: config.amqpUrl,
  connectionName: `maildock-emailer@${config.replica}`,
  log,
  topology: { retryDelaysMs: config.retryDelaysMs, queueType: config.queueType },
  onSession: async (session) => {
    if (stopping) return
    await session.channel.prefetch(config.prefetch)
    const { consumerTag } = await session.channel.consume(
      QUEUES.emailer,
      (message) => onMessage(session, message),
      { noAck: false },
    )
    consuming = { session, consumerTag }
  },
  onSessionLost: () => {
    consuming = undefined
  },
})

function onMessage(session: BrokerSession, message: ConsumeMessage | null): void {
  if (message === null) {
    log.warn('the broker cancelled the consumer; reconnecting')
    session.connection.close().catch(() => undefined)
    return
  }
  const delivery: Delivery = {
    content: message.content,
    messageId:
      typeof message.properties.messageId === 'string' ? message.properties.messageId : undefined,
    headers: message.properties.headers ?? {},
    redelivered: message.fields.redelivered,
  }
  const settle = (action: () => void) => {
    try {
      action()
    } catch {
      // The channel is gone: the broker redelivers the message and the ledger prevents a resend.
    }
  }
  const work = processor
    .handle(delivery, {
      publisher: session.publisher,
      ack: () => settle(() => session.channel.ack(message)),
    })
    .then(
      () => undefined,
      async (error: unknown) => {
        log.error({ err: errorMessage(error) }, 'email not settled; returning it to the queue')
        await sleep(1000)
        settle(() => session.channel.nack(message, false, true))
      },
    )
  inFlight.add(work)
  void work.finally(() => inFlight.delete(work))
}

const healthServer = startHealthServer(config.healthPort, () => ({
  live: true,
  ready: consuming !== undefined && !stopping,
  broker: broker.connected,
  ledgerIds: ledger.size,
  inFlight: inFlight.size,
}))
healthServer.catch((error: unknown) => {
  log.fatal({ err: errorMessage(error) }, 'cannot start the health endpoint')
  process.exit(1)
})

onShutdownSignal(log, config.shutdownTimeoutMs, async () => {
  stopping = true
  if (consuming !== undefined) {
    await consuming.session.channel.cancel(consuming.consumerTag).catch(() => undefined)
  }
  log.info({ inFlight: inFlight.size }, 'consumer cancelled, finishing in-flight emails')
  await Promise.allSettled([...inFlight])
  await broker.close()
  mailer.close()
  ledger.close()
  await closeServer(await healthServer)
})

broker.start()
