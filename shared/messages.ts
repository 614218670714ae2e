// AMQP wire format shared by the desktop app and the stack services (api, emailer, logger):
// exchange and queue names, routing keys, message schemas and the topology declaration.
import { z } from 'zod'
import { OUTCOME_EVENT_TYPES } from './contract/mail-statuses'
import {
  BLANK_EMAIL_ERROR,
  emailAddressSchema,
  emailIdSchema,
  hasContent,
  MAX_RECIPIENTS,
  subjectSchema,
  tagsSchema,
  typeError,
} from './email-rules'

export { emailIdSchema } from './email-rules'

export const WIRE_VERSION = 1

export const EXCHANGES = {
  /** fanout: every email request reaches the emailer, the logger and the app. */
  requests: 'maildock.requests',
  /** topic: outcome events, routed by `email.<type>`. */
  events: 'maildock.events',
} as const

export const QUEUES = {
  emailer: 'maildock.emailer',
  logger: 'maildock.logger',
  /** The desktop app's own durable subscription; only the app declares it. */
  app: 'maildock.app',
  deadLetter: 'maildock.dead-letter',
} as const

export const ROUTING_KEYS = {
  request: 'email.request',
  allEvents: 'email.#',
} as const

export function eventRoutingKey(type: OutcomeEventType): string {
  return `email.${type}`
}

/** Headers the emailer sets on retried and dead-lettered copies of a request. */
export const HEADERS = {
  attempts: 'x-maildock-attempts',
  reason: 'x-maildock-reason',
  smtpCode: 'x-maildock-smtp-code',
  failedAt: 'x-maildock-failed-at',
  replica: 'x-maildock-replica',
  /** How many times a person sent the email back from the dead-letter queue (absent: never). */
  round: 'x-maildock-round',
} as const

/** The manual-retry round a message's headers carry: 0 before any manual retry. */
export function retryRoundOf(headers: Record<string, unknown> | undefined): number {
  const value = Number(headers?.[HEADERS.round] ?? 0)
  return Number.isInteger(value) && value > 0 ? value : 0
}

/** The round header for a copy of a message in round `round` (none in round 0). */
export function retryRoundHeader(round: number): Record<string, number> {
  return round > 0 ? { [HEADERS.round]: round } : {}
}

export const DEFAULT_RETRY_DELAYS_MS: readonly number[] = [5_000, 30_000, 120_000, 600_000]

/** Delay queues are named by their delay, so different delay sets never conflict. */
export function retryQueueName(delayMs: number): string {
  return `maildock.emailer.retry.${delayMs}ms`
}

/** Parses "5000,30000,120000" (milliseconds); undefined or empty gives the defaults. */
export function parseRetryDelays(value: string | undefined): number[] {
  if (value === undefined || value.trim() === '') return [...DEFAULT_RETRY_DELAYS_MS]
  const delays = value.split(',').map((part) => Number(part.trim()))
  if (delays.some((delay) => !Number.isInteger(delay) || delay <= 0)) {
    throw new Error(`retry delays must be positive integers in ms, got "${value}"`)
  }
  return delays
}

// ---------------------------------------------------------------------------------------------
// Field schemas

const addressListSchema = z.array(emailAddressSchema).max(MAX_RECIPIENTS)

// ---------------------------------------------------------------------------------------------
// HTTP input accepted by the api (and usable by the app to validate a compose form)

const oneOrManyAddresses = z.preprocess(
  (value) => (typeof value === 'string' ? [value] : value),
  z.array(emailAddressSchema, { error: typeError('must be an address or a list of addresses') }),
)

export const sendEmailInputSchema = z
  .object({
    to: oneOrManyAddresses.refine((list) => list.length > 0, { error: 'needs an address' }),
    cc: oneOrManyAddresses.optional(),
    bcc: oneOrManyAddresses.optional(),
    subject: subjectSchema,
    text: z.string({ error: typeError('must be a string') }),
    html: z.string({ error: typeError('must be a string') }).optional(),
    tags: tagsSchema.optional(),
  })
  .strict()
  .refine((input) => countRecipients(input) <= MAX_RECIPIENTS, {
    error: `has more than ${MAX_RECIPIENTS} recipients in to, cc and bcc`,
  })
  .refine(hasContent, { error: BLANK_EMAIL_ERROR })
export type SendEmailInput = z.infer<typeof sendEmailInputSchema>

/** The original stack's `POST /send` body. */
export const legacySendInputSchema = z
  .object({
    toaddr: emailAddressSchema,
    subject: subjectSchema,
    body: z.string({ error: typeError('must be a string') }),
  })
  .strict()
  .refine((input) => hasContent({ subject: input.subject, text: input.body }), {
    error: BLANK_EMAIL_ERROR,
  })
export type LegacySendInput = z.infer<typeof legacySendInputSchema>

function countRecipients(input: { to: string[]; cc?: string[]; bcc?: string[] }): number {
  return input.to.length + (input.cc?.length ?? 0) + (input.bcc?.length ?? 0)
}

// ---------------------------------------------------------------------------------------------
// Messages on the broker

export const emailRequestSchema = z.object({
  v: z.literal(WIRE_VERSION),
  id: emailIdSchema,
  to: addressListSchema.min(1),
  cc: addressListSchema,
  bcc: addressListSchema,
  subject: subjectSchema,
  text: z.string(),
  html: z.string().optional(),
  tags: tagsSchema.optional(),
  createdAt: z.iso.datetime(),
})
export type EmailRequest = z.infer<typeof emailRequestSchema>

export { OUTCOME_EVENT_TYPES }
export type OutcomeEventType = (typeof OUTCOME_EVENT_TYPES)[number]

const eventBase = {
  v: z.literal(WIRE_VERSION),
  /** Deterministic (`<emailId>.<type>[.<attempt>]`), so consumers can drop repeats. */
  eventId: z.string().min(1),
  emailId: emailIdSchema,
  at: z.iso.datetime(),
  /** `maildock`: the desktop app or CLI, on a person's request. */
  service: z.enum(['api', 'emailer', 'maildock']),
  /** Container host name of the replica that produced the event. */
  replica: z.string(),
}
const attempt = z.number().int().positive()
const smtpCode = z.number().int().min(200).max(599).optional()

export const outcomeEventSchema = z.discriminatedUnion('type', [
  // Only in stored history: the api now takes the request's confirm as its acceptance.
  z.object({ ...eventBase, type: z.literal('accepted'), recipients: z.number().int().positive() }),
  z.object({
    ...eventBase,
    type: z.literal('sent'),
    attempt,
    durationMs: z.number().nonnegative(),
    smtp: z.object({
      response: z.string(),
      messageId: z.string(),
      accepted: z.array(z.string()),
      rejected: z.array(z.string()),
    }),
    /** The emailer died between the end of data and the reply; the server most likely has it. */
    unconfirmed: z.boolean().optional(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('retrying'),
    attempt,
    reason: z.string(),
    smtpCode,
    nextDelayMs: z.number().int().positive(),
    retryAt: z.iso.datetime(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('failed'),
    attempt,
    reason: z.string(),
    smtpCode,
    permanent: z.boolean(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('dead-lettered'),
    attempt,
    reason: z.string(),
    queue: z.string(),
  }),
  z.object({
    ...eventBase,
    type: z.literal('retried'),
    /** The manual-retry round this retry starts (1 for the first). */
    round: z.number().int().positive(),
    /** The queue the email was sent back to. */
    queue: z.string(),
  }),
])
export type OutcomeEvent = z.infer<typeof outcomeEventSchema>

/** An email request or an outcome event: one shape from the app's queue to the log store and the tracker. */
export type MailMessage =
  { kind: 'request'; request: EmailRequest } | { kind: 'event'; event: OutcomeEvent }

/** Attempts count from 1 again after a manual retry: the round keeps their ids apart. */
export function outcomeEventId(
  emailId: string,
  type: OutcomeEventType,
  attemptNo?: number,
  round = 0,
): string {
  const id = type === 'retrying' ? `${emailId}.${type}.${attemptNo ?? 0}` : `${emailId}.${type}`
  return round > 0 ? `${id}.r${round}` : id
}

export type DecodeResult<T> = { ok: true; value: T } | { ok: false; error: string }

export function encodeMessage(message: EmailRequest | OutcomeEvent): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8')
}

export function decodeEmailRequest(body: Buffer): DecodeResult<EmailRequest> {
  return decodeWith(emailRequestSchema, body)
}

export function decodeOutcomeEvent(body: Buffer): DecodeResult<OutcomeEvent> {
  return decodeWith(outcomeEventSchema, body)
}

function decodeWith<T>(schema: z.ZodType<T>, body: Buffer): DecodeResult<T> {
  let json: unknown
  try {
    json = JSON.parse(body.toString('utf8'))
  } catch {
    return { ok: false, error: 'body is not valid JSON' }
  }
  const parsed = schema.safeParse(json)
  return parsed.success
    ? { ok: true, value: parsed.data }
    : { ok: false, error: describeIssues(parsed.error) }
}

/** "to: is not a valid email address; subject: is required" */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.')
      return field === '' ? issue.message : `${field}: ${issue.message}`
    })
    .join('; ')
}

// ---------------------------------------------------------------------------------------------
// Topology

export const QUEUE_TYPES = ['classic', 'quorum'] as const
export type QueueType = (typeof QUEUE_TYPES)[number]

/**
 * With quorum queues a message that reaches a consumer this many times without an ack (it keeps
 * crashing whoever takes it) is dead-lettered by the broker: no poison-message loop.
 */
export const QUORUM_DELIVERY_LIMIT = 20

export interface TopologyOptions {
  retryDelaysMs?: readonly number[]
  /** classic (one broker) or quorum (replicated on a broker cluster); classic if unset. */
  queueType?: QueueType
  /** Only the desktop app sets this: a queue nobody consumes would grow forever. */
  appQueue?: boolean
}

export interface ExchangeSpec {
  name: string
  type: 'fanout' | 'topic'
}
export interface QueueSpec {
  name: string
  arguments: Record<string, string | number>
}
export interface BindingSpec {
  queue: string
  exchange: string
  pattern: string
}
export interface Topology {
  exchanges: ExchangeSpec[]
  queues: QueueSpec[]
  bindings: BindingSpec[]
}

/** The app queue keeps at most this many messages while the app is closed (oldest dropped). */
export const APP_QUEUE_MAX_LENGTH = 500_000

export function describeTopology(options: TopologyOptions = {}): Topology {
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS
  const toDefaultExchange = (queue: string) => ({
    'x-dead-letter-exchange': '',
    'x-dead-letter-routing-key': queue,
  })
  const quorum = options.queueType === 'quorum'
  const typed = (args: QueueSpec['arguments']): QueueSpec['arguments'] =>
    quorum ? { 'x-queue-type': 'quorum', ...args } : args
  const consumed = (args: QueueSpec['arguments']): QueueSpec['arguments'] =>
    quorum
      ? typed({
          ...toDefaultExchange(QUEUES.deadLetter),
          ...args,
          'x-delivery-limit': QUORUM_DELIVERY_LIMIT,
        })
      : args
  const queues: QueueSpec[] = [
    // Rejected requests (never expected; the emailer dead-letters explicitly) still land here.
    { name: QUEUES.emailer, arguments: consumed(toDefaultExchange(QUEUES.deadLetter)) },
    { name: QUEUES.logger, arguments: consumed({}) },
    { name: QUEUES.deadLetter, arguments: typed({}) },
    ...delays.map((delay) => ({
      name: retryQueueName(delay),
      arguments: typed({ 'x-message-ttl': delay, ...toDefaultExchange(QUEUES.emailer) }),
    })),
  ]
  const bindings: BindingSpec[] = [
    { queue: QUEUES.emailer, exchange: EXCHANGES.requests, pattern: '' },
    { queue: QUEUES.logger, exchange: EXCHANGES.requests, pattern: '' },
    { queue: QUEUES.logger, exchange: EXCHANGES.events, pattern: ROUTING_KEYS.allEvents },
  ]
  if (options.appQueue === true) {
    queues.push({
      name: QUEUES.app,
      arguments: typed({ 'x-max-length': APP_QUEUE_MAX_LENGTH, 'x-overflow': 'drop-head' }),
    })
    bindings.push(
      { queue: QUEUES.app, exchange: EXCHANGES.requests, pattern: '' },
      { queue: QUEUES.app, exchange: EXCHANGES.events, pattern: ROUTING_KEYS.allEvents },
    )
  }
  return {
    exchanges: [
      { name: EXCHANGES.requests, type: 'fanout' },
      { name: EXCHANGES.events, type: 'topic' },
    ],
    queues,
    bindings,
  }
}

/** The subset of an amqplib Channel that declaring the topology needs. */
export interface TopologyChannel {
  assertExchange(name: string, type: string, options: { durable: boolean }): Promise<unknown>
  assertQueue(
    name: string,
    options: { durable: boolean; arguments: Record<string, string | number> },
  ): Promise<unknown>
  bindQueue(queue: string, exchange: string, pattern: string): Promise<unknown>
}

/** Idempotent: every service runs it on each (re)connection. */
export async function declareTopology(
  channel: TopologyChannel,
  options: TopologyOptions = {},
): Promise<Topology> {
  const topology = describeTopology(options)
  for (const exchange of topology.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: true })
  }
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments })
  }
  for (const binding of topology.bindings) {
    await channel.bindQueue(binding.queue, binding.exchange, binding.pattern)
  }
  return topology
}
