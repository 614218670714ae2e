import { hostname } from 'node:os'
import { parseRetryDelays } from '../../../../shared/messages'
import {
  ConfigError,
  envBool,
  envChoice,
  envBrokerUrl,
  envInt,
  envOptional,
  envSecret,
  envString,
  envQueueType,
  type Env,
} from '../../common/env'
import type { QueueType } from '../../../../shared/messages'

export interface SmtpConfig {
  host: string
  port: number
  /** Implicit TLS (port 465 style). */
  secure: boolean
  /** Fail unless the server offers STARTTLS. */
  requireTls: boolean
  ignoreTls: boolean
  rejectUnauthorized: boolean
  user?: string
  password?: string
  poolSize: number
  connectionTimeoutMs: number
  socketTimeoutMs: number
  from: string
  messageIdDomain: string
}

export interface EmailerConfig {
  amqpUrl: string
  queueType: QueueType
  replica: string
  prefetch: number
  retryDelaysMs: number[]
  healthPort: number
  shutdownTimeoutMs: number
  ledgerDir: string
  ledgerRetentionMs: number
  /**
   * An earlier attempt cut off between the end of data and the server's reply (the process was
   * killed): the server most likely has the message. assume-sent never sends twice; resend never
   * loses one; dead-letter leaves the decision to an operator.
   */
  onInterrupted: 'assume-sent' | 'resend' | 'dead-letter'
  /** Another replica's unfinished attempt younger than this may still be running: wait. */
  attemptStaleMs: number
  smtp: SmtpConfig
}

const DAY_MS = 24 * 60 * 60 * 1000

/**
 * With a user and password the relay must be spoken to over TLS (implicit, or STARTTLS that
 * nodemailer insists on): a password goes in clear text only with SMTP_ALLOW_PLAINTEXT_AUTH=true.
 */
function smtpTls(env: Env, withAuth: boolean) {
  const secure = envBool(env, 'SMTP_SECURE', false)
  const ignoreTls = envBool(env, 'SMTP_IGNORE_TLS', false)
  const plaintextAuth = envBool(env, 'SMTP_ALLOW_PLAINTEXT_AUTH', false)
  if (withAuth && ignoreTls && !secure && !plaintextAuth) {
    throw new ConfigError(
      'SMTP_IGNORE_TLS with SMTP_USER would send the password in clear text: set SMTP_ALLOW_PLAINTEXT_AUTH=true to allow it',
    )
  }
  const requireTls =
    envBool(env, 'SMTP_REQUIRE_TLS', false) || (withAuth && !secure && !plaintextAuth)
  return { secure, requireTls, ignoreTls: ignoreTls && !requireTls }
}

export function loadEmailerConfig(env: Env): EmailerConfig {
  const user = envOptional(env, 'SMTP_USER')
  const password = envSecret(env, 'SMTP_PASSWORD')
  if ((user === undefined) !== (password === undefined)) {
    throw new ConfigError('SMTP_USER and SMTP_PASSWORD must be set together')
  }
  const tls = smtpTls(env, user !== undefined)
  const socketTimeoutMs = envInt(env, 'SMTP_SOCKET_TIMEOUT_MS', 60_000, 1000)
  const connectionTimeoutMs = envInt(env, 'SMTP_CONNECTION_TIMEOUT_MS', 10_000, 100)
  let retryDelaysMs: number[]
  try {
    retryDelaysMs = parseRetryDelays(env.EMAILER_RETRY_DELAYS_MS)
  } catch (error) {
    throw new ConfigError(`EMAILER_RETRY_DELAYS_MS: ${(error as Error).message}`)
  }
  return {
    amqpUrl: envBrokerUrl(env, 'amqp://maildock:maildock@broker:5672'),
    queueType: envQueueType(env),
    replica: envString(env, 'EMAILER_REPLICA_ID', hostname()),
    prefetch: envInt(env, 'EMAILER_PREFETCH', 100, 1),
    retryDelaysMs,
    healthPort: envInt(env, 'HEALTH_PORT', 8080, 1),
    shutdownTimeoutMs: envInt(env, 'SHUTDOWN_TIMEOUT_MS', 20_000, 100),
    ledgerDir: envString(env, 'EMAILER_LEDGER_DIR', '/data/ledger'),
    ledgerRetentionMs: envInt(env, 'EMAILER_LEDGER_RETENTION_DAYS', 7, 1) * DAY_MS,
    onInterrupted: envChoice(
      env,
      'EMAILER_ON_INTERRUPTED',
      ['assume-sent', 'resend', 'dead-letter'],
      'assume-sent',
    ),
    attemptStaleMs: envInt(
      env,
      'EMAILER_ATTEMPT_STALE_MS',
      connectionTimeoutMs + socketTimeoutMs + 10_000,
      0,
    ),
    smtp: {
      host: envString(env, 'SMTP_HOST', 'smtp'),
      port: envInt(env, 'SMTP_PORT', 1025, 1),
      ...tls,
      rejectUnauthorized: envBool(env, 'SMTP_TLS_REJECT_UNAUTHORIZED', true),
      ...(user === undefined || password === undefined ? {} : { user, password }),
      poolSize: envInt(env, 'SMTP_POOL_SIZE', 10, 1),
      connectionTimeoutMs,
      socketTimeoutMs,
      from: envString(env, 'SMTP_FROM', 'MailDock <noreply@maildock.local>'),
      messageIdDomain: envString(env, 'SMTP_MESSAGE_ID_DOMAIN', 'maildock.local'),
    },
  }
}
