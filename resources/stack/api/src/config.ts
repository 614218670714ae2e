import { DEFAULT_BATCH_MAX_EMAILS } from '../../../../shared/email-batch'
import type { QueueType } from '../../../../shared/messages'
import { envBool, envBrokerUrl, envInt, envQueueType, envString, type Env } from '../../common/env'

export interface ApiConfig {
  amqpUrl: string
  queueType: QueueType
  /** false when the broker's definitions declare the topology (a publish-only broker user). */
  declareTopology: boolean
  port: number
  bodyLimitBytes: number
  batchMaxEmails: number
  batchBodyLimitBytes: number
  publishTimeoutMs: number
  shutdownTimeoutMs: number
  /** Host names answered besides the loopback names (the service's network alias). */
  allowedHosts: string
}

export const DEFAULT_AMQP_URL = 'amqp://maildock:maildock@broker:5672'

export function loadApiConfig(env: Env): ApiConfig {
  return {
    amqpUrl: envBrokerUrl(env, DEFAULT_AMQP_URL),
    declareTopology: envBool(env, 'AMQP_DECLARE_TOPOLOGY', true),
    queueType: envQueueType(env),
    port: envInt(env, 'API_PORT', 3000, 1),
    bodyLimitBytes: envInt(env, 'API_BODY_LIMIT_BYTES', 1024 * 1024, 1024),
    batchMaxEmails: envInt(env, 'API_BATCH_MAX_EMAILS', DEFAULT_BATCH_MAX_EMAILS, 1),
    batchBodyLimitBytes: envInt(env, 'API_BATCH_BODY_LIMIT_BYTES', 16 * 1024 * 1024, 1024),
    publishTimeoutMs: envInt(env, 'API_PUBLISH_TIMEOUT_MS', 10_000, 100),
    shutdownTimeoutMs: envInt(env, 'SHUTDOWN_TIMEOUT_MS', 20_000, 100),
    allowedHosts: envString(env, 'API_ALLOWED_HOSTS', 'api'),
  }
}
