import type { ConsumeMessage } from 'amqplib'
import { QUEUES } from '../../../../shared/messages'
import { BrokerClient, type BrokerSession } from '../../common/broker'
import { closeServer, startHealthServer } from '../../common/health'
import { createLogger, errorMessage } from '../../common/log'
import { onShutdownSignal } from '../../common/shutdown'
import { OrderedBatcher } from './ordered-batcher'
import { loadLoggerConfig } from './config'
import { toLogRecord } from './records'
import { RotatingFile } from './rotating-file'

const log = createLogger('logger')
const config = loadLoggerConfig(process.env)
const file = new RotatingFile({
  path: config.filePath,
  maxBytes: config.fileMaxBytes,
  keep: config.fileKeep,
})
let consuming: { session: BrokerSession; consumerTag: string } | undefined
let stopping = false
let written = 0

interface Pending {
  line: string
  message: ConsumeMessage
  session: BrokerSession
}

/** Lines reach stdout and the file (fdatasynced) before their messages are acknowledged. */
const batcher = new OrderedBatcher<Pending>(
  async (items) => {
    const text = items.map((item) => item.line).join('')
    process.stdout.write(text)
    await file.append(text)
    written += items.length
    const last = items[items.length - 1]
    if (last === undefined) return
    try {
      last.session.channel.ack(last.message, true)
    } catch {
      // Channel gone: the broker redelivers; those lines will be written again (at least once).
    }
  },
  config.batchSize,
  config.flushIntervalMs,
  (error, items) => {
    log.error({ err: errorMessage(error), lines: items.length }, 'cannot write the event log')
    for (const item of items) {
      try {
        item.session.channel.nack(item.message, false, true)
      } catch {
        // Channel gone: redelivered anyway.
      }
    }
  },
)

const broker = new BrokerClient({
  url: config.amqpUrl,
  connectionName: 'maildock-logger',
  log,
  topology: { queueType: config.queueType },
  onSession: async (session) => {
    if (stopping) return
    await session.channel.prefetch(config.prefetch)
    const { consumerTag } = await session.channel.consume(
      QUEUES.logger,
      (message) => {
        if (message === null) {
          log.warn('the broker cancelled the consumer; reconnecting')
          session.connection.close().catch(() => undefined)
          return
        }
        const record = toLogRecord(
          {
            exchange: message.fields.exchange,
            routingKey: message.fields.routingKey,
            content: message.content,
            messageId:
              typeof message.properties.messageId === 'string'
                ? message.properties.messageId
                : undefined,
            redelivered: message.fields.redelivered,
          },
          config.maxFieldChars,
        )
        batcher.add({ line: `${JSON.stringify(record)}\n`, message, session })
      },
      { noAck: false },
    )
    consuming = { session, consumerTag }
  },
  onSessionLost: () => {
    consuming = undefined
  },
})

const healthServer = startHealthServer(config.healthPort, () => ({
  live: true,
  ready: consuming !== undefined && !stopping,
  broker: broker.connected,
  written,
  file: config.filePath,
  fileBytes: file.currentSize,
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
  await batcher.drain()
  await broker.close()
  file.close()
  await closeServer(await healthServer)
})

log.info({ file: config.filePath, bytes: file.currentSize }, 'event log open')
broker.start()
