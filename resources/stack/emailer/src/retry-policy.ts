import { retryQueueName } from '../../../../shared/messages'

export interface SendFailure {
  /** Worth trying again later (4xx, network, timeouts, auth); false for 5xx and bad messages. */
  transient: boolean
  reason: string
  smtpCode?: number
}

/** Network-level error codes from nodemailer and Node's net/dns layers. */
const TRANSIENT_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'EAUTH', // a credentials problem is fixed by configuration, not by dropping the email
  'ETLS',
  'EPROTOCOL',
])
/** Errors about the message itself: sending it again cannot help. */
const PERMANENT_CODES = new Set(['EMESSAGE', 'EENVELOPE_FORMAT'])

export function classifySmtpError(error: unknown): SendFailure {
  const fields = (typeof error === 'object' && error !== null ? error : {}) as {
    responseCode?: unknown
    code?: unknown
    response?: unknown
    message?: unknown
  }
  const smtpCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined
  const code = typeof fields.code === 'string' ? fields.code : undefined
  const response = typeof fields.response === 'string' ? fields.response.trim() : undefined
  const message = typeof fields.message === 'string' ? fields.message : String(error)
  const reason = [code, response ?? message].filter((part) => part !== undefined).join(': ')
  const base = smtpCode === undefined ? { reason } : { reason, smtpCode }
  if (smtpCode !== undefined && code !== 'EAUTH') {
    if (smtpCode >= 500) return { ...base, transient: false }
    if (smtpCode >= 400) return { ...base, transient: true }
  }
  if (code !== undefined && PERMANENT_CODES.has(code)) return { ...base, transient: false }
  if (code !== undefined && TRANSIENT_CODES.has(code)) return { ...base, transient: true }
  return { ...base, transient: true }
}

export type FailureDecision =
  | { action: 'retry'; attempt: number; delayMs: number; queue: string }
  | { action: 'dead-letter'; attempt: number; permanent: boolean; reason: string }

/**
 * After the `attempt`-th attempt (1-based) failed: retry through the delay queue for that
 * attempt, or dead-letter when the failure is permanent or the delays are used up.
 */
export function decideAfterFailure(
  attempt: number,
  failure: SendFailure,
  retryDelaysMs: readonly number[],
): FailureDecision {
  if (!failure.transient) {
    return { action: 'dead-letter', attempt, permanent: true, reason: failure.reason }
  }
  const delayMs = retryDelaysMs[attempt - 1]
  if (delayMs === undefined) {
    return {
      action: 'dead-letter',
      attempt,
      permanent: false,
      reason: `gave up after ${attempt} attempts: ${failure.reason}`,
    }
  }
  return { action: 'retry', attempt, delayMs, queue: retryQueueName(delayMs) }
}

/** The attempts already made, from the header the emailer sets on retried copies. */
export function attemptsSoFar(header: unknown): number {
  const value = typeof header === 'string' ? Number(header) : header
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0
}
