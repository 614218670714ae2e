import { z } from 'zod'
import { MAX_NAME } from './bounds'
import { channel, event } from './define'

/*
 * The app's own connection to the stack's RabbitMQ broker, the broker's queues (from the management
 * API) and the dead-letter queue. Times are milliseconds since the epoch.
 */

export const brokerConnectionStates = [
  /** Not started (no stack configured yet). */
  'idle',
  'connecting',
  'connected',
  /** Lost or refused: trying again with backoff. */
  'reconnecting',
  /** Connected, but the broker holds publishes back (memory or disk alarm). */
  'blocked',
  'stopped',
] as const

export const brokerConnectionSchema = z.object({
  state: z.enum(brokerConnectionStates),
  /** amqp://user@host:port/vhost: never the password. */
  url: z.string().optional(),
  since: z.number(),
  /** Why the last attempt failed or the connection was lost. */
  error: z.string().optional(),
  /** The broker's reason while blocked, e.g. "low on memory". */
  blockedReason: z.string().optional(),
  /** Consecutive failed attempts, while reconnecting. */
  attempt: z.number().int().optional(),
  nextRetryAt: z.number().optional(),
  /** The app's durable subscription (`maildock.app`). */
  subscription: z.object({
    consuming: z.boolean(),
    /** Messages stored and acknowledged since the app started. */
    consumed: z.number().int(),
    /** Messages that were not a request or an event this app version understands (dropped). */
    invalid: z.number().int(),
    /** Delivered but not yet stored (acknowledged once stored). */
    inFlight: z.number().int(),
    lastError: z.string().optional(),
  }),
})
export type BrokerConnection = z.infer<typeof brokerConnectionSchema>

export const queueInfoSchema = z.object({
  name: z.string(),
  /** What the queue is for, in MailDock's topology (work, retry, dead letters, logger, app). */
  role: z.enum(['work', 'retry', 'dead-letter', 'logger', 'app', 'other']),
  durable: z.boolean(),
  state: z.string(),
  ready: z.number().int(),
  unacked: z.number().int(),
  total: z.number().int(),
  consumers: z.number().int(),
  /** Messages per second over the management API's last sample window. */
  publishRate: z.number(),
  deliverRate: z.number(),
  ackRate: z.number(),
})
export type QueueInfo = z.infer<typeof queueInfoSchema>

export const brokerOverviewSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ok'),
    fetchedAt: z.number(),
    managementUrl: z.string(),
    rabbitmqVersion: z.string().optional(),
    /** Resource alarms in force ("memory on rabbit@host"): publishers are blocked meanwhile. */
    alarms: z.array(z.string()),
    queues: z.array(queueInfoSchema),
    totals: z.object({
      ready: z.number().int(),
      unacked: z.number().int(),
      publishRate: z.number(),
      deliverRate: z.number(),
    }),
  }),
  z.object({
    state: z.literal('unavailable'),
    fetchedAt: z.number(),
    managementUrl: z.string().optional(),
    error: z.string(),
  }),
])
export type BrokerOverview = z.infer<typeof brokerOverviewSchema>

/** Each queue's rates as polled, oldest first, over the last `windowMs` (kept by main). */
export const brokerRateHistorySchema = z.object({
  windowMs: z.number(),
  queues: z.array(
    z.object({
      name: z.string(),
      t: z.array(z.number()),
      publish: z.array(z.number()),
      deliver: z.array(z.number()),
    }),
  ),
})
export type BrokerRateHistory = z.infer<typeof brokerRateHistorySchema>

export const deadLetterSchema = z.object({
  /** Stable handle for retry/discard: the email id, or a digest for a message without one. */
  key: z.string(),
  emailId: z.string().optional(),
  reason: z.string(),
  attempts: z.number().int(),
  smtpCode: z.number().int().optional(),
  failedAt: z.string().optional(),
  to: z.array(z.string()),
  subject: z.string().optional(),
  sizeBytes: z.number().int(),
})
export type DeadLetter = z.infer<typeof deadLetterSchema>

const keys = z.array(z.string().min(1).max(MAX_NAME)).min(1).max(10_000)

export const deadLetterActionSchema = z.object({
  /** Keys acted on. */
  done: z.array(z.string()),
  /** Keys no longer in the queue (already retried, discarded or expired). */
  missing: z.array(z.string()),
})
export type DeadLetterAction = z.infer<typeof deadLetterActionSchema>

export const brokerChannels = {
  /** Connect now instead of waiting for the next backoff step. */
  'broker:reconnect': channel(z.object({}).strict(), brokerConnectionSchema),
  /** The publish and deliver rates of each queue over the last 15 minutes of polling. */
  'broker:rate-history': channel(z.object({}).strict(), brokerRateHistorySchema),
  'broker:dead-letters': channel(
    z.object({ limit: z.number().int().min(1).max(5_000).default(500) }).strict(),
    z.object({ total: z.number().int(), messages: z.array(deadLetterSchema) }),
  ),
  /** Sends each selected message back to the emailer's work queue with fresh attempts. */
  'broker:dead-letters-retry': channel(z.object({ keys }).strict(), deadLetterActionSchema),
  'broker:dead-letters-discard': channel(z.object({ keys }).strict(), deadLetterActionSchema),
}

export const brokerEvents = {
  /** The connection state, now and on every change. */
  'broker:changed': event(z.object({}).strict(), brokerConnectionSchema),
  /** The queues, polled from the management API while subscribed. */
  'broker:overview-live': event(
    z.object({ intervalMs: z.number().int().min(500).max(60_000).default(2_000) }).strict(),
    brokerOverviewSchema,
  ),
}
