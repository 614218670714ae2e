import { z } from 'zod'

// The rules an email must meet, shared by the stack's API (through shared/messages) and the app's
// contract (the compose form validates with the very same schemas). Pure zod: runs in a browser.

/** A type error message that says "is required" when the field is missing. */
export function typeError(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message)
}

export const lineBreakFree = (value: string): boolean => !/[\r\n]/.test(value)

/** C0 controls other than tab, DEL and the C1 controls: nothing a header or a terminal should get. */
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTER = /[\u0000-\u0008\u000A-\u001F\u007F-\u009F]/

export const controlCharacterFree = (value: string): boolean => !CONTROL_CHARACTER.test(value)

/** No lone UTF-16 surrogate: it cannot be encoded in a header (it would become U+FFFD). */
export const wellFormedUnicode = (value: string): boolean =>
  !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value)

/** What is wrong with a line of header text, or null. */
export function headerTextProblem(value: string): string | null {
  if (!lineBreakFree(value)) return 'must not contain CR or LF'
  if (!controlCharacterFree(value)) return 'must not contain control characters (tab is allowed)'
  if (!wellFormedUnicode(value)) return 'must be well-formed Unicode (a lone surrogate is not)'
  return null
}

/**
 * Text that goes into a mail header (a subject, a display name, a header value): one line, no
 * control characters other than tab, well-formed Unicode, at most `max` characters.
 */
export function headerTextSchema(max: number) {
  return z
    .string({ error: typeError('must be a string') })
    .max(max, { error: `is longer than ${max} characters` })
    .refine((value) => headerTextProblem(value) === null, {
      error: (issue) => headerTextProblem(String(issue.input)) ?? 'is invalid',
    })
}

/** Control characters other than tab, CR and LF, and DEL. */
// eslint-disable-next-line no-control-regex
const BODY_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/

/** Text over several lines (a body, a template, a CSV): line breaks, tabs and printable text. */
export function multiLineTextSchema(max: number) {
  return z
    .string({ error: typeError('must be a string') })
    .max(max, { error: `is longer than ${max} characters` })
    .refine((value) => !BODY_CONTROL.test(value) && wellFormedUnicode(value), {
      error: 'must not contain control characters other than tab and line breaks',
    })
}

export const emailAddressSchema = z
  .string({ error: typeError('must be a string') })
  .max(254, { error: 'is longer than 254 characters' })
  .refine((value) => headerTextProblem(value) === null, {
    error: (issue) => headerTextProblem(String(issue.input)) ?? 'is invalid',
  })
  .pipe(z.email({ error: 'is not a valid email address' }))

export const IDEMPOTENCY_KEY_RULE = '1-128 characters of letters, digits, ".", "_", ":" or "-"'

/**
 * The one rule for an Idempotency-Key, in the app (contract, CLI) and the API: it becomes the
 * email id and part of the Message-ID header, so it is a plain token.
 */
export const emailIdSchema = z
  .string({ error: typeError('must be a string') })
  .regex(/^[A-Za-z0-9._:-]{1,128}$/, { error: `must be ${IDEMPOTENCY_KEY_RULE}` })
export const idempotencyKeySchema = emailIdSchema

export const subjectSchema = headerTextSchema(998)

/** A display name ("Ada Lovelace" in `Ada Lovelace <ada@example.org>`). */
export const displayNameSchema = headerTextSchema(256)

export const MAX_RECIPIENTS = 100

/** An email must say something: a subject, a text body or an HTML body (not only spaces). */
export function hasContent(email: { subject: string; text: string; html?: string | undefined }) {
  return [email.subject, email.text, email.html ?? ''].some((part) => part.trim() !== '')
}
export const BLANK_EMAIL_ERROR = 'has neither a subject nor a body (text or html)'

/** Mailpit tags (the X-Tags header): a bulk send tags its emails with the send's name. */
export const tagSchema = z
  .string({ error: typeError('must be a string') })
  .trim()
  .min(1, { error: 'must not be empty' })
  .max(100, { error: 'is longer than 100 characters' })
  .refine((tag) => !/[\r\n,]/.test(tag), { error: 'must not contain a comma, CR or LF' })
export const MAX_TAGS = 10
export const tagsSchema = z
  .array(tagSchema)
  .max(MAX_TAGS, { error: `has more than ${MAX_TAGS} tags` })
