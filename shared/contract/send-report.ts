import { z } from 'zod'
import { multiLineTextSchema } from '../email-rules'
import { MAX_CSV_BYTES } from './bounds'
import { channel } from './define'
import { csvMappingSchema, draftTemplate, sendNameSchema } from './mail'

/*
 * A send's check before it goes (which rows are valid, why the others are not) and its delivery
 * report afterwards, built from the log store: it survives a restart of the app.
 */

export const bulkCheckRowSchema = z.object({
  row: z.number().int(),
  to: z.string().optional(),
  error: z.string(),
})

export const bulkCheckSchema = z.object({
  total: z.number().int(),
  valid: z.number().int(),
  /** The rows that will be skipped, with the reason (the first MAX_CHECK_ROWS). */
  invalid: z.array(bulkCheckRowSchema),
  invalidCount: z.number().int(),
})
export type BulkCheck = z.infer<typeof bulkCheckSchema>
export const MAX_CHECK_ROWS = 500

/** A row's outcome: skipped before sending, refused by the API, or the email's delivery state. */
export const sendRowOutcomes = [
  'skipped',
  'pending',
  'accepted',
  'retrying',
  'sent',
  'failed',
  'dead-lettered',
  'cancelled',
] as const
export type SendRowOutcome = (typeof sendRowOutcomes)[number]

export const sendReportRowSchema = z.object({
  row: z.number().int(),
  to: z.string().nullable(),
  emailId: z.string().nullable(),
  outcome: z.enum(sendRowOutcomes),
  /** Why a row was skipped or failed, or the SMTP server's reply. */
  detail: z.string().nullable(),
  retries: z.number().int(),
  /** Whether the catcher holds it; null when the stack has no catcher to ask. */
  caught: z.boolean().nullable(),
})
export type SendReportRow = z.infer<typeof sendReportRowSchema>

export const sendReportCountsSchema = z.object({
  rows: z.number().int(),
  skipped: z.number().int(),
  accepted: z.number().int(),
  sent: z.number().int(),
  /** Rows retried at least once (whatever their outcome). */
  retried: z.number().int(),
  failed: z.number().int(),
  deadLettered: z.number().int(),
  /** Rows without a final outcome yet (not yet handed over, or on their way). */
  pending: z.number().int(),
  /** Null when the stack has no catcher to ask. */
  caught: z.number().int().nullable(),
})
export type SendReportCounts = z.infer<typeof sendReportCountsSchema>

export const sendReportSchema = z.object({
  name: z.string(),
  kind: z.enum(['single', 'bulk']),
  createdAt: z.number(),
  counts: sendReportCountsSchema,
  /** Why caught is null (no catcher, or it did not answer). */
  caughtNote: z.string().nullable(),
  rows: z.array(sendReportRowSchema),
})
export type SendReport = z.infer<typeof sendReportSchema>

export const sendReportChannels = {
  /** Checks every row as a bulk send would, sending nothing. */
  'mail:bulk-check': channel(
    z
      .object({
        csv: multiLineTextSchema(MAX_CSV_BYTES),
        mapping: csvMappingSchema,
        template: draftTemplate,
      })
      .strict(),
    bulkCheckSchema,
  ),
  /** A send's counts and per-row outcomes, from the log store (and the catcher, by tag). */
  'mail:send-report': channel(z.object({ name: sendNameSchema }).strict(), sendReportSchema),
  /** The same report as CSV, one line per input row. */
  'mail:send-report-csv': channel(
    z.object({ name: sendNameSchema }).strict(),
    z.object({ filename: z.string(), csv: z.string() }),
  ),
}
