import { z } from 'zod'
import { errorMessage } from '../error-message'

export const errorCodes = [
  'INVALID_INPUT',
  'UNKNOWN_CHANNEL',
  'FORBIDDEN_SENDER',
  'ENGINE_UNREACHABLE',
  'NOT_FOUND',
  'CONFLICT',
  'UNAVAILABLE',
  'CANCELLED',
  'TIMEOUT',
  'INTERNAL',
] as const

export type ErrorCode = (typeof errorCodes)[number]

export const errorPayload = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  details: z.unknown().optional(),
})
export type ErrorPayload = z.infer<typeof errorPayload>

/** The one error type that crosses the contract: main throws it, the renderer gets it back. */
export class MaildockError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'MaildockError'
    this.code = code
    this.details = details
  }

  toPayload(): ErrorPayload {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }

  static fromPayload(payload: ErrorPayload): MaildockError {
    return new MaildockError(payload.code, payload.message, payload.details)
  }
}

export type Envelope<T> = { ok: true; result: T } | { ok: false; error: ErrorPayload }

/** Anything thrown, as the payload an envelope carries: a MaildockError keeps its code. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof MaildockError) return error.toPayload()
  return { code: 'INTERNAL', message: errorMessage(error) }
}
