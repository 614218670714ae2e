import { z } from 'zod'

// `POST /emails/batch` on the stack's API: many emails per request, one result per email.
// Shared by the api (resources/stack/api) and the app's client (electron/main/mail).

export const DEFAULT_BATCH_MAX_EMAILS = 1000

/** Per email: the fields of `POST /emails` plus its own `idempotencyKey` (the email id). */
export const BATCH_KEY_FIELD = 'idempotencyKey'

const index = z.number().int().min(0)

export const batchItemResultSchema = z.discriminatedUnion('status', [
  z.object({ index, status: z.literal('accepted'), id: z.string() }),
  /** Refused for its content (validation, key): sending it again as is will not help. */
  z.object({ index, status: z.literal('rejected'), error: z.string(), message: z.string() }),
  /** The broker did not confirm it: NOT accepted, safe to send again with the same key. */
  z.object({ index, status: z.literal('unavailable'), id: z.string(), message: z.string() }),
])
export type BatchItemResult = z.infer<typeof batchItemResultSchema>

export const batchResponseSchema = z.object({
  accepted: z.number().int().min(0),
  rejected: z.number().int().min(0),
  unavailable: z.number().int().min(0),
  /** One per email, in the order they were posted. */
  results: z.array(batchItemResultSchema),
})
export type BatchResponse = z.infer<typeof batchResponseSchema>

export function summarizeBatch(results: BatchItemResult[]): BatchResponse {
  const count = (status: BatchItemResult['status']) =>
    results.filter((result) => result.status === status).length
  return {
    accepted: count('accepted'),
    rejected: count('rejected'),
    unavailable: count('unavailable'),
    results,
  }
}
