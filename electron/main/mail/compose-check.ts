import type { z } from 'zod'
import { composeSchema, fillTemplate, type Compose } from '../../../shared/contract'

export type Checked = { ok: true; email: Compose } | { ok: false; error: string }

/** Validates a filled-in email, naming each problem with the value that caused it. */
export function checkEmail(draft: {
  to: string[]
  cc: string[]
  bcc: string[]
  subject: string
  text: string
  html?: string | undefined
  tags?: string[]
}): Checked {
  const parsed = composeSchema.safeParse(draft)
  return parsed.success
    ? { ok: true, email: parsed.data }
    : { ok: false, error: describe(parsed.error, draft) }
}

function describe(error: z.ZodError, draft: Record<string, unknown>): string {
  return error.issues
    .map((issue) => {
      const [field, index] = issue.path
      if (typeof field === 'string' && typeof index === 'number') {
        const list = draft[field]
        const value = Array.isArray(list) ? String(list[index]) : ''
        return `${field} "${value}": ${issue.message}`
      }
      return typeof field === 'string' ? `${field}: ${issue.message}` : issue.message
    })
    .join('; ')
}

/** Fills {{variables}} in a template; a variable without a value is an error. */
export function fillAll(
  template: { subject: string; text: string; html?: string | undefined },
  values: Readonly<Record<string, string>>,
): { ok: true; subject: string; text: string; html?: string } | { ok: false; error: string } {
  const subject = fillTemplate(template.subject, values)
  const text = fillTemplate(template.text, values)
  const html =
    template.html === undefined ? undefined : fillTemplate(template.html, values, { html: true })
  const missing = [...new Set([...subject.missing, ...text.missing, ...(html?.missing ?? [])])]
  if (missing.length > 0) {
    return { ok: false, error: `no value for ${missing.map((name) => `{{${name}}}`).join(', ')}` }
  }
  return {
    ok: true,
    subject: subject.text,
    text: text.text,
    ...(html === undefined ? {} : { html: html.text }),
  }
}
