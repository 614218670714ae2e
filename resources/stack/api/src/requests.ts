import { randomUUID } from 'node:crypto'
import {
  emailIdSchema,
  WIRE_VERSION,
  type EmailRequest,
  type LegacySendInput,
  type SendEmailInput,
} from '../../../../shared/messages'

export type IdResult = { ok: true; id: string } | { ok: false; error: string }

/** The client's Idempotency-Key becomes the email id; without one the api assigns a UUID. */
export function emailIdFor(idempotencyKey: unknown, label = 'Idempotency-Key header'): IdResult {
  if (idempotencyKey === undefined) return { ok: true, id: randomUUID() }
  if (Array.isArray(idempotencyKey)) return { ok: false, error: `${label} must be given once` }
  const parsed = emailIdSchema.safeParse(idempotencyKey)
  return parsed.success
    ? { ok: true, id: parsed.data }
    : { ok: false, error: `${label} ${parsed.error.issues[0]?.message ?? 'is invalid'}` }
}

export function toEmailRequest(input: SendEmailInput, id: string, now = new Date()): EmailRequest {
  return {
    v: WIRE_VERSION,
    id,
    to: input.to,
    cc: input.cc ?? [],
    bcc: input.bcc ?? [],
    subject: input.subject,
    text: input.text,
    ...(input.html === undefined ? {} : { html: input.html }),
    ...(input.tags === undefined || input.tags.length === 0 ? {} : { tags: input.tags }),
    createdAt: now.toISOString(),
  }
}

export function fromLegacyInput(input: LegacySendInput): SendEmailInput {
  return { to: [input.toaddr], subject: input.subject, text: input.body }
}
