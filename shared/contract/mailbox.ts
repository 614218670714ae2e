import { z } from 'zod'
import { channel, event } from './define'

/*
 * The mail catcher's mailbox (Mailpit's REST API, or MailDock's stand-in catcher): what arrived,
 * each message's parts, deleting, and the catcher's chaos triggers (failure injection).
 * A stack that delivers to a real relay has no catcher: every channel answers UNAVAILABLE.
 */

const catcherId = z.string().min(1).max(100)

export const mailboxAddressSchema = z.object({ name: z.string(), address: z.string() })
export type MailboxAddress = z.infer<typeof mailboxAddressSchema>

export const mailboxSummarySchema = z.object({
  id: z.string(),
  messageId: z.string(),
  /** The MailDock email id (from the Message-ID MailDock gives every email), if it is one. */
  emailId: z.string().nullable(),
  from: mailboxAddressSchema.nullable(),
  to: z.array(mailboxAddressSchema),
  cc: z.array(mailboxAddressSchema),
  subject: z.string(),
  /** ms since the epoch */
  createdAt: z.number(),
  size: z.number(),
  attachments: z.number().int(),
  snippet: z.string(),
  tags: z.array(z.string()),
  read: z.boolean(),
})
export type MailboxSummary = z.infer<typeof mailboxSummarySchema>

export const mailboxPageSchema = z.object({
  /** Every message in the mailbox. */
  total: z.number().int(),
  /** Messages matching the search (the total when there is none). */
  matching: z.number().int(),
  unread: z.number().int(),
  start: z.number().int(),
  messages: z.array(mailboxSummarySchema),
  tags: z.array(z.string()),
})
export type MailboxPage = z.infer<typeof mailboxPageSchema>

const mailboxAttachmentSchema = z.object({
  partId: z.string(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number(),
})

export const mailboxMessageSchema = mailboxSummarySchema.extend({
  bcc: z.array(mailboxAddressSchema),
  text: z.string(),
  html: z.string(),
  attachmentList: z.array(mailboxAttachmentSchema),
  headers: z.record(z.string(), z.array(z.string())),
})
export type MailboxMessage = z.infer<typeof mailboxMessageSchema>

export const chaosStages = ['Sender', 'Recipient', 'Authentication'] as const
export const chaosStageSchema = z.enum(chaosStages)
export type ChaosStage = z.infer<typeof chaosStageSchema>

export const chaosTriggerSchema = z
  .object({
    ErrorCode: z.number().int().min(400).max(599),
    /** Percent: 0 (never) to 100 (always). */
    Probability: z.number().int().min(0).max(100),
  })
  .strict()
export type ChaosTrigger = z.infer<typeof chaosTriggerSchema>

export const chaosTriggersSchema = z
  .object({
    Sender: chaosTriggerSchema,
    Recipient: chaosTriggerSchema,
    Authentication: chaosTriggerSchema,
  })
  .strict()
export type ChaosTriggers = z.infer<typeof chaosTriggersSchema>

export const isChaosActive = (triggers: ChaosTriggers | null): boolean =>
  triggers !== null && chaosStages.some((stage) => triggers[stage].Probability > 0)

export const mailboxStatusSchema = z.object({
  /** false: no catcher (a relay-backed stack, or the stack is down); `reason` says which. */
  available: z.boolean(),
  reason: z.string().nullable(),
  /** The catcher's web UI, for a link out. */
  url: z.string().nullable(),
  version: z.string().nullable(),
  total: z.number().int(),
  unread: z.number().int(),
  /** The newest message's id, so a view knows when to refresh. */
  newestId: z.string().nullable(),
  /** null: the catcher has no chaos feature (or it is not enabled). */
  chaos: chaosTriggersSchema.nullable(),
})
export type MailboxStatus = z.infer<typeof mailboxStatusSchema>

export const htmlCheckSchema = z.object({
  /** Percent of the tests the HTML passes in the catcher's set of clients. */
  supported: z.number(),
  partial: z.number(),
  unsupported: z.number(),
  warnings: z.array(
    z.object({
      slug: z.string(),
      title: z.string(),
      category: z.string(),
      url: z.string(),
      unsupported: z.number(),
      clients: z.array(z.string()),
    }),
  ),
})
export type HtmlCheck = z.infer<typeof htmlCheckSchema>

export const linkCheckSchema = z.object({
  errors: z.number().int(),
  links: z.array(z.object({ url: z.string(), status: z.string(), statusCode: z.number().int() })),
})
export type LinkCheck = z.infer<typeof linkCheckSchema>

/** A check the catcher may not offer: `reason` says why when it is absent. */
const maybe = <T extends z.ZodType>(schema: T) =>
  z.object({ available: z.boolean(), reason: z.string().nullable(), result: schema.nullable() })

export const MAX_MAILBOX_PAGE = 1_000

export const mailboxChannels = {
  'mailbox:status': channel(z.object({}).strict(), mailboxStatusSchema),
  /** Newest first; `search` is Mailpit's search syntax (to:, subject:, tag:, words). */
  'mailbox:list': channel(
    z
      .object({
        search: z.string().max(500).optional(),
        start: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(MAX_MAILBOX_PAGE).default(100),
      })
      .strict(),
    mailboxPageSchema,
  ),
  'mailbox:message': channel(z.object({ id: catcherId }).strict(), mailboxMessageSchema),
  /** The message caught for a MailDock email id, if any. */
  'mailbox:find': channel(
    z.object({ emailId: z.string().min(1).max(128) }).strict(),
    z.object({ message: mailboxSummarySchema.nullable() }),
  ),
  /** The raw source (RFC 822), up to 5 MiB; `truncated` says when it was cut. */
  'mailbox:raw': channel(
    z.object({ id: catcherId }).strict(),
    z.object({ raw: z.string(), truncated: z.boolean() }),
  ),
  /** One attachment, base64, up to 10 MiB. */
  'mailbox:attachment': channel(
    z.object({ id: catcherId, partId: z.string().min(1).max(50) }).strict(),
    z.object({ fileName: z.string(), contentType: z.string(), base64: z.string() }),
  ),
  /** Deletes the given messages, or every message when `ids` is absent. */
  'mailbox:delete': channel(
    z.object({ ids: z.array(catcherId).min(1).max(MAX_MAILBOX_PAGE).optional() }).strict(),
    z.object({}),
  ),
  'mailbox:chaos-set': channel(
    z.object({ triggers: chaosTriggersSchema.partial() }).strict(),
    chaosTriggersSchema,
  ),
  'mailbox:html-check': channel(z.object({ id: catcherId }).strict(), maybe(htmlCheckSchema)),
  /** Makes outbound requests to every link: only when the user asks. */
  'mailbox:link-check': channel(z.object({ id: catcherId }).strict(), maybe(linkCheckSchema)),
}

export const mailboxEvents = {
  /** The catcher's status now, then each time it changes (new messages, deletes, chaos). */
  'mailbox:changes': event(z.object({}).strict(), mailboxStatusSchema),
}
