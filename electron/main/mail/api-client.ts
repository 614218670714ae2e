import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { MaildockError, type Compose } from '../../../shared/contract'
import { IDEMPOTENCY_KEY_RULE, idempotencyKeySchema } from '../../../shared/email-rules'
import {
  BATCH_KEY_FIELD,
  batchResponseSchema,
  type BatchItemResult,
} from '../../../shared/email-batch'

// Keep-alive sockets: a bulk send posts hundreds of emails to the same API (node:http costs
// about half what fetch does per request at 32 in flight).
const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 64 })
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 64 })

class TimeoutError extends Error {
  override name = 'TimeoutError'
}

function post(
  url: string,
  payload: string,
  idempotencyKey: string | undefined,
  timeoutMs: number,
): Promise<{ status: number; body: string }> {
  const target = new URL(url)
  const secure = target.protocol === 'https:'
  return new Promise((resolve, reject) => {
    const request = (secure ? httpsRequest : httpRequest)(
      target,
      {
        method: 'POST',
        agent: secure ? httpsAgent : httpAgent,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(idempotencyKey === undefined ? {} : { 'idempotency-key': idempotencyKey }),
        },
      },
      (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        )
        response.on('error', reject)
      },
    )
    request.setTimeout(timeoutMs, () => request.destroy(new TimeoutError('timed out')))
    request.on('error', reject)
    request.end(payload)
  })
}

export interface Accepted {
  id: string
  acceptedAt: number
}

/**
 * POST /emails on the stack's API, the path any client takes. Resolves only on 202 (the broker
 * confirmed the email); every other outcome is a MaildockError that says what happened.
 */
export async function postEmail(
  apiUrl: string,
  email: Compose,
  idempotencyKey: string,
  timeoutMs = 15_000,
): Promise<Accepted> {
  const base = apiUrl.replace(/\/$/, '')
  if (!idempotencyKeySchema.safeParse(idempotencyKey).success) {
    throw new MaildockError(
      'INVALID_INPUT',
      `The Idempotency-Key must be ${IDEMPOTENCY_KEY_RULE}; nothing was sent`,
      { field: 'idempotencyKey' },
    )
  }
  let response: { status: number; body: string }
  try {
    response = await post(`${base}/emails`, JSON.stringify(email), idempotencyKey, timeoutMs)
  } catch (error) {
    throw unreachable(base, error, timeoutMs)
  }
  const { body } = response
  const message = apiMessage(body)
  if (response.status === 202) {
    const id = (JSON.parse(body) as { id?: unknown }).id
    if (typeof id !== 'string')
      throw new MaildockError('INTERNAL', `The API answered 202 without an id: ${body}`)
    return { id, acceptedAt: Date.now() }
  }
  if (response.status === 503) {
    throw new MaildockError(
      'UNAVAILABLE',
      `The stack's API could not hand the email to the broker, so it was NOT sent: ${message}`,
      { status: 503, retryable: true },
    )
  }
  throw refusedOrFailed(response.status, message, 'the email', 'the email')
}

export interface BatchItem {
  email: Compose
  idempotencyKey: string
}

/** One email of a batch as the API answered it. */
export type BatchOutcome =
  { status: 'accepted'; id: string } | { status: 'rejected' | 'unavailable'; message: string }

/** Posts one batch; the answer has one outcome per item, in order. */
export type SendBatch = (items: readonly BatchItem[]) => Promise<BatchOutcome[]>

/** A SendBatch bound to one API address (looked up once per bulk send). */
export function batchSender(apiUrl: string): SendBatch {
  return async (items) =>
    (await postBatch(apiUrl, items)).map((result): BatchOutcome => {
      if (result.status === 'accepted') return { status: 'accepted', id: result.id }
      if (result.status === 'rejected') {
        return {
          status: 'rejected',
          message: `The stack's API refused the email: ${result.message}`,
        }
      }
      return { status: 'unavailable', message: result.message }
    })
}

/**
 * POST /emails/batch: many emails in one request, one result per email (accepted, rejected for
 * its content, or unavailable: not stored by the broker, safe to send again with its key). A
 * failure of the whole request throws a MaildockError as postEmail does.
 */
export async function postBatch(
  apiUrl: string,
  items: readonly BatchItem[],
  timeoutMs = 30_000,
): Promise<BatchItemResult[]> {
  const base = apiUrl.replace(/\/$/, '')
  const payload = JSON.stringify({
    emails: items.map((item) => ({ ...item.email, [BATCH_KEY_FIELD]: item.idempotencyKey })),
  })
  let response: { status: number; body: string }
  try {
    response = await post(`${base}/emails/batch`, payload, undefined, timeoutMs)
  } catch (error) {
    throw unreachable(base, error, timeoutMs)
  }
  if (response.status === 200 || response.status === 503) {
    const parsed = batchResponseSchema.safeParse(parseJson(response.body))
    if (parsed.success && parsed.data.results.length === items.length) return parsed.data.results
    throw new MaildockError(
      'INTERNAL',
      `The API's batch answer is not understood: ${response.body.slice(0, 300)}`,
    )
  }
  const message = apiMessage(response.body)
  if (response.status === 404) {
    throw new MaildockError(
      'UNAVAILABLE',
      `The stack's API has no batch endpoint (an older stack); run "maildock up" to update it: ${message}`,
      { status: 404 },
    )
  }
  throw refusedOrFailed(response.status, message, 'the batch', 'the emails')
}

/** A 4xx is the input's fault; any other failure may have been half done and can be retried. */
function refusedOrFailed(
  status: number,
  message: string,
  refused: string,
  sent: string,
): MaildockError {
  if (status >= 400 && status < 500)
    return new MaildockError('INVALID_INPUT', `The stack's API refused ${refused}: ${message}`, {
      status,
    })
  return new MaildockError(
    'UNAVAILABLE',
    `The stack's API failed (${status}); ${sent} may not have been sent: ${message}`,
    { status, retryable: true },
  )
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}

export function isRetryable(error: unknown): boolean {
  if (!(error instanceof MaildockError)) return false
  if (error.code === 'TIMEOUT') return true
  const details = error.details as { retryable?: unknown } | undefined
  return details?.retryable === true
}

function apiMessage(body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown }
    if (typeof parsed.message === 'string') return parsed.message
  } catch {
    // not JSON: show the start of the text
  }
  return body.slice(0, 300) || '(empty answer)'
}

function unreachable(base: string, error: unknown, timeoutMs: number): MaildockError {
  const name = (error as { name?: unknown }).name
  if (name === 'TimeoutError' || name === 'AbortError') {
    return new MaildockError(
      'TIMEOUT',
      `The stack's API at ${base} did not answer within ${timeoutMs / 1000} s; the email may or may not have been accepted (sending again with the same key is safe)`,
      { retryable: true },
    )
  }
  const code = (error as { code?: unknown }).code
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused: is the stack running?'
      : code === 'ECONNRESET'
        ? 'the connection was reset'
        : error instanceof Error
          ? error.message
          : String(error)
  return new MaildockError(
    'UNAVAILABLE',
    `The stack's API at ${base} is not reachable (${reason}); nothing was sent`,
    {
      retryable: true,
    },
  )
}
