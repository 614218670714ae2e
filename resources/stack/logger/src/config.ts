import type { QueueType } from '../../../../shared/messages'
import { envBrokerUrl, envInt, envQueueType, envString, type Env } from '../../common/env'

export interface LoggerConfig {
  amqpUrl: string
  queueType: QueueType
  filePath: string
  fileMaxBytes: number
  fileKeep: number
  prefetch: number
  batchSize: number
  flushIntervalMs: number
  maxFieldChars: number
  healthPort: number
  shutdownTimeoutMs: number
}

export function loadLoggerConfig(env: Env): LoggerConfig {
  return {
    amqpUrl: envBrokerUrl(env, 'amqp://maildock:maildock@broker:5672'),
    queueType: envQueueType(env),
    filePath: envString(env, 'LOGGER_FILE', '/data/events.log'),
    fileMaxBytes: envInt(env, 'LOGGER_FILE_MAX_BYTES', 10 * 1024 * 1024, 1024),
    fileKeep: envInt(env, 'LOGGER_FILE_KEEP', 5, 0),
    prefetch: envInt(env, 'LOGGER_PREFETCH', 500, 1),
    batchSize: envInt(env, 'LOGGER_BATCH_SIZE', 200, 1),
    flushIntervalMs: envInt(env, 'LOGGER_FLUSH_MS', 50, 0),
    maxFieldChars: envInt(env, 'LOGGER_MAX_FIELD_CHARS', 4096, 16),
    healthPort: envInt(env, 'HEALTH_PORT', 8080, 1),
    shutdownTimeoutMs: envInt(env, 'SHUTDOWN_TIMEOUT_MS', 20_000, 100),
  }
}
