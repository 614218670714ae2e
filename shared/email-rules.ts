import { z } from 'zod'

// The rules an email must meet, shared by the stack's API (through shared/messages) and the app's
// contract (the compose form validates with the very same schemas). Pure zod: runs in a browser.

/** A type error message that says "is required" when the field is missing. */
export function typeError(message: string) {
  return (issue: { input?: unknown }) => (issue.input === undefined ? 'is required' : message)
}

export const lineBreakFree = (value: string): boolean => !/[\r\n]/.test(value)

export const emailAddressSchema = z
  .string({ error: typeError('must be a string') })
  .max(254, { error: 'is longer than 254 characters' })
  .refine(lineBreakFree, { error: 'must not contain CR or LF' })
  .pipe(z.email({ error: 'is not a valid email address' }))

/** Also the accepted shape of an Idempotency-Key; it becomes part of the Message-ID header. */
export const emailIdSchema = z.string().regex(/^[A-Za-z0-9._:-]{1,128}$/, {
  error: 'must be 1-128 characters of letters, digits, ".", "_", ":" or "-"',
})

export const subjectSchema = z
  .string({ error: typeError('must be a string') })
  .max(998, { error: 'is longer than 998 characters' })
  .refine(lineBreakFree, { error: 'must not contain CR or LF' })

export const MAX_RECIPIENTS = 100
