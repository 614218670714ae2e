import { z } from 'zod'
import {
  BLANK_EMAIL_ERROR,
  emailAddressSchema,
  headerTextSchema,
  idempotencyKeySchema,
  hasContent,
  MAX_RECIPIENTS,
  multiLineTextSchema,
  subjectSchema,
  tagSchema,
  tagsSchema,
} from '../email-rules'
import { MAX_CSV_BYTES, MAX_NAME, MAX_TEMPLATE } from './bounds'
import { channel, event } from './define'

export {
  BLANK_EMAIL_ERROR,
  emailAddressSchema,
  hasContent,
  MAX_CSV_BYTES,
  MAX_RECIPIENTS,
  subjectSchema,
}

/*
 * Composing and sending emails through the stack's HTTP API, templates, bulk sends from CSV, and
 * each email's delivery tracking built from the broker's events. Times are ms since the epoch.
 */

/** The stack API's default request body limit; a compose form larger than this is refused. */
export const MAX_EMAIL_BYTES = 1024 * 1024

/** Size of the JSON body the API receives, in UTF-8 bytes. */
export function emailJsonBytes(email: {
  to: string[]
  cc?: string[]
  bcc?: string[]
  subject: string
  text: string
  html?: string | undefined
}): number {
  return new TextEncoder().encode(JSON.stringify(email)).length
}

const addresses = z.array(emailAddressSchema).max(MAX_RECIPIENTS)

export const composeSchema = z
  .object({
    to: addresses.min(1, { error: 'needs at least one recipient' }),
    cc: addresses.default([]),
    bcc: addresses.default([]),
    subject: subjectSchema,
    text: z.string().max(MAX_EMAIL_BYTES),
    html: z.string().max(MAX_EMAIL_BYTES).optional(),
    tags: tagsSchema.optional(),
  })
  .strict()
  .refine(hasContent, { error: BLANK_EMAIL_ERROR, path: ['subject'] })
  .refine((email) => email.to.length + email.cc.length + email.bcc.length <= MAX_RECIPIENTS, {
    error: `has more than ${MAX_RECIPIENTS} recipients in to, cc and bcc`,
  })
  .refine((email) => emailJsonBytes(email) <= MAX_EMAIL_BYTES, {
    error: `is larger than ${MAX_EMAIL_BYTES / 1024} KiB`,
    path: ['text'],
  })
export type Compose = z.output<typeof composeSchema>

// ----- templates: {{variable}} (HTML-escaped in the HTML part), {{{variable}}} (raw) -----

const NAME = '[A-Za-z0-9_][A-Za-z0-9_. -]*?'
const VARIABLE = new RegExp(
  `\\{\\{\\{\\s*(${NAME})\\s*\\}\\}\\}|\\{\\{\\s*(${NAME})\\s*\\}\\}`,
  'g',
)

/** The variable names used in the given texts, in order of first use, without repeats. */
export function templateVariables(...texts: (string | undefined)[]): string[] {
  const names = new Set<string>()
  for (const text of texts) {
    for (const match of (text ?? '').matchAll(VARIABLE)) names.add(match[1] ?? match[2] ?? '')
  }
  return [...names]
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}
export const escapeHtml = (value: string): string =>
  value.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char)

/**
 * Replaces each {{name}} with its value; names without a value are listed in `missing`. With
 * `html`, values are escaped so that a CSV cell cannot add markup; {{{name}}} puts a value in raw.
 */
export function fillTemplate(
  text: string,
  values: Readonly<Record<string, string>>,
  options: { html?: boolean } = {},
): { text: string; missing: string[] } {
  const missing = new Set<string>()
  const filled = text.replace(
    VARIABLE,
    (whole, raw: string | undefined, plain: string | undefined) => {
      const name = raw ?? plain ?? ''
      if (!Object.hasOwn(values, name)) {
        missing.add(name)
        return whole
      }
      const value = values[name] ?? ''
      return options.html && raw === undefined ? escapeHtml(value) : value
    },
  )
  return { text: filled, missing: [...missing] }
}

export const mailTemplateSchema = z.object({
  id: z.string(),
  name: z.string().min(1).max(200),
  subject: z.string(),
  text: z.string(),
  html: z.string().optional(),
  updatedAt: z.number(),
})
export type MailTemplate = z.infer<typeof mailTemplateSchema>

// ----- CSV bulk send -----

const columnName = headerTextSchema(MAX_NAME)

export const csvMappingSchema = z
  .object({
    /** The column holding the recipient (one address, or several separated by , or ;). */
    to: columnName.min(1),
    cc: columnName.optional(),
    bcc: columnName.optional(),
  })
  .strict()
export type CsvMapping = z.infer<typeof csvMappingSchema>

export const csvPreviewSchema = z.object({
  columns: z.array(z.string()),
  /** The first rows, each as column -> value. */
  rows: z.array(z.record(z.string(), z.string())),
  totalRows: z.number().int(),
  delimiter: z.string(),
  /** Rows the parser could not read cleanly (row numbers as a spreadsheet shows them). */
  problems: z.array(z.object({ row: z.number().int(), message: z.string() })),
  /** A guess at the mapping from the column names. */
  suggested: csvMappingSchema.partial(),
})
export type CsvPreview = z.infer<typeof csvPreviewSchema>

const templateText = multiLineTextSchema(MAX_TEMPLATE)
export const draftTemplate = z
  .object({ subject: subjectSchema, text: templateText, html: templateText.optional() })
  .strict()

/** A send's durable name: its emails carry it as a catcher tag, its report is found by it. */
export const sendNameSchema = tagSchema

export const bulkSendRowStatuses = [
  'pending',
  'accepted',
  'invalid',
  'failed',
  'cancelled',
] as const

export const bulkSendRowSchema = z.object({
  /** As a spreadsheet numbers it: the header is row 1. */
  row: z.number().int(),
  status: z.enum(bulkSendRowStatuses),
  to: z.string().optional(),
  emailId: z.string().optional(),
  error: z.string().optional(),
})
export type BulkSendRow = z.infer<typeof bulkSendRowSchema>

export const bulkSendProgressSchema = z.object({
  batchId: z.string(),
  /** The send's name: its tag at the catcher and the key of its report. */
  name: z.string(),
  state: z.enum(['running', 'done', 'cancelled']),
  total: z.number().int(),
  accepted: z.number().int(),
  invalid: z.number().int(),
  failed: z.number().int(),
  pending: z.number().int(),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  /** Accepted rows per second so far. */
  rate: z.number(),
})
export type BulkSendProgress = z.infer<typeof bulkSendProgressSchema>

export const bulkSendResultSchema = bulkSendProgressSchema.extend({
  rows: z.array(bulkSendRowSchema),
})
export type BulkSendResult = z.infer<typeof bulkSendResultSchema>

// ----- tracking -----

export const deliveryStatuses = ['queued', 'retrying', 'sent', 'failed'] as const
export type DeliveryStatus = (typeof deliveryStatuses)[number]

export const trackedEmailSchema = z.object({
  id: z.string(),
  to: z.array(z.string()),
  subject: z.string().optional(),
  status: z.enum(deliveryStatuses),
  /** SMTP attempts made so far. */
  attempts: z.number().int(),
  createdAt: z.number(),
  updatedAt: z.number(),
  /** Sent: the SMTP server's reply. Failed or retrying: the reason. */
  detail: z.string().optional(),
  smtpCode: z.number().int().optional(),
  deadLettered: z.boolean(),
})
export type TrackedEmail = z.infer<typeof trackedEmailSchema>

export const timelineKinds = [
  'accepted',
  'queued',
  'attempt-failed',
  'sent',
  'failed',
  'dead-lettered',
  'retried',
] as const

export const mailTimelineEntrySchema = z.object({
  at: z.number(),
  kind: z.enum(timelineKinds),
  title: z.string(),
  detail: z.string().optional(),
  attempt: z.number().int().optional(),
  smtpCode: z.number().int().optional(),
  /** The service replica (container host name) that reported it. */
  by: z.string().optional(),
})
export type MailTimelineEntry = z.infer<typeof mailTimelineEntrySchema>

export const mailStatusCountsSchema = z.object({
  total: z.number().int(),
  queued: z.number().int(),
  retrying: z.number().int(),
  sent: z.number().int(),
  failed: z.number().int(),
})
export type MailStatusCounts = z.infer<typeof mailStatusCountsSchema>

export const failureAlertSchema = z.object({
  emailId: z.string(),
  to: z.array(z.string()),
  subject: z.string().optional(),
  reason: z.string(),
  smtpCode: z.number().int().optional(),
  at: z.number(),
})
export type FailureAlert = z.infer<typeof failureAlertSchema>

const emailId = z.string().min(1).max(128)
const batchId = z.string().min(1).max(64)
const csvText = multiLineTextSchema(MAX_CSV_BYTES)

export const mailChannels = {
  /** Sends one email through the stack's API; resolves once the API confirmed it (202). */
  'mail:send': channel(
    z.object({ email: composeSchema, idempotencyKey: idempotencyKeySchema.optional() }).strict(),
    z.object({ id: z.string(), acceptedAt: z.number() }),
  ),
  'mail:templates': channel(z.object({}).strict(), z.array(mailTemplateSchema)),
  'mail:template-save': channel(
    draftTemplate
      .extend({
        id: z.string().min(1).max(MAX_NAME).optional(),
        name: headerTextSchema(200).min(1),
      })
      .strict(),
    mailTemplateSchema,
  ),
  'mail:csv-preview': channel(
    z.object({ csv: csvText, rows: z.number().int().min(1).max(50).default(5) }).strict(),
    csvPreviewSchema,
  ),
  /** Validates every row, then sends the good ones; bad rows are reported, not sent. */
  'mail:bulk-start': channel(
    z
      .object({
        csv: csvText,
        mapping: csvMappingSchema,
        template: draftTemplate,
        /**
         * The send's name, carried by each email as a catcher tag; default: generated. Starting
         * the same name again reuses its Idempotency-Keys, so no row is sent twice.
         */
        name: sendNameSchema.optional(),
      })
      .strict(),
    bulkSendProgressSchema,
  ),
  'mail:bulk-result': channel(z.object({ batchId }).strict(), bulkSendResultSchema),
  'mail:bulk-cancel': channel(z.object({ batchId }).strict(), bulkSendProgressSchema),
  'mail:recent': channel(
    z
      .object({
        status: z.enum(deliveryStatuses).optional(),
        /** Matches the id, a recipient or the subject (case-insensitive). */
        search: z.string().max(500).optional(),
        limit: z.number().int().min(1).max(5_000).default(200),
      })
      .strict(),
    z.object({ emails: z.array(trackedEmailSchema), counts: mailStatusCountsSchema }),
  ),
  'mail:timeline': channel(
    z.object({ emailId }).strict(),
    z.object({ email: trackedEmailSchema, entries: z.array(mailTimelineEntrySchema) }),
  ),
}

export const mailEvents = {
  /** A batch's progress, about ten times a second, until it is done. */
  'mail:bulk-progress': event(z.object({ batchId }).strict(), bulkSendProgressSchema),
  /** Emails whose status changed (batched), with the new counts. */
  'mail:changes': event(
    z.object({}).strict(),
    z.object({ emails: z.array(trackedEmailSchema), counts: mailStatusCountsSchema }),
  ),
  /** An email failed for good (dead-lettered): the shell shows a desktop notification. */
  'mail:alerts': event(z.object({}).strict(), failureAlertSchema),
}
