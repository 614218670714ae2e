import { MaildockError, type Compose } from '../../../shared/contract'

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
  let response: Response
  try {
    response = await fetch(`${base}/emails`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
      body: JSON.stringify(email),
      signal: AbortSignal.timeout(timeoutMs),
    })
  } catch (error) {
    throw unreachable(base, error, timeoutMs)
  }
  const body = await response.text()
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
  if (response.status >= 400 && response.status < 500) {
    throw new MaildockError('INVALID_INPUT', `The stack's API refused the email: ${message}`, {
      status: response.status,
    })
  }
  throw new MaildockError(
    'UNAVAILABLE',
    `The stack's API failed (${response.status}); the email may not have been sent: ${message}`,
    { status: response.status, retryable: true },
  )
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
  const code = (error as { cause?: { code?: unknown } }).cause?.code
  const reason =
    code === 'ECONNREFUSED'
      ? 'connection refused: is the stack running?'
      : code === 'ECONNRESET'
        ? 'the connection was reset'
        : error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error)
  return new MaildockError(
    'UNAVAILABLE',
    `The stack's API at ${base} is not reachable (${reason}); nothing was sent`,
    {
      retryable: true,
    },
  )
}
