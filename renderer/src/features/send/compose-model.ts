import {
  BLANK_EMAIL_ERROR,
  composeSchema,
  emailAddressSchema,
  emailJsonBytes,
  fillTemplate,
  MAX_EMAIL_BYTES,
  templateVariables,
  type Compose,
} from '../../../../shared/contract'

export interface Draft {
  to: string[]
  cc: string[]
  bcc: string[]
  subject: string
  text: string
  /** Null: no HTML part. */
  html: string | null
  /** Values for the {{variables}} the subject and bodies use. */
  variables: Record<string, string>
}

export const emptyDraft: Draft = {
  to: [],
  cc: [],
  bcc: [],
  subject: '',
  text: '',
  html: null,
  variables: {},
}

export type DraftField = 'to' | 'cc' | 'bcc' | 'subject' | 'text' | 'html' | 'variables'

export interface DraftCheck {
  /** The email to send, when the draft is valid. */
  email: Compose | undefined
  errors: Partial<Record<DraftField, string>>
  /** Size of the request the API will receive, in bytes. */
  bytes: number
  variables: string[]
}

export function isValidAddress(address: string): boolean {
  return emailAddressSchema.safeParse(address).success
}

export function invalidAddresses(addresses: string[]): string[] {
  return addresses.filter((address) => !isValidAddress(address))
}

/** Fills the variables and validates with the same schema main and the API use. */
export function checkDraft(draft: Draft): DraftCheck {
  const variables = templateVariables(draft.subject, draft.text, draft.html ?? undefined)
  const errors: DraftCheck['errors'] = {}
  for (const field of ['to', 'cc', 'bcc'] as const) {
    const bad = invalidAddresses(draft[field])
    if (bad.length > 0) {
      errors[field] =
        bad.length === 1
          ? `${bad[0]} is not a valid email address`
          : `${bad.join(', ')} are not valid email addresses`
    }
  }
  const empty = variables.filter((name) => (draft.variables[name] ?? '') === '')
  if (empty.length > 0) {
    errors.variables = `No value for ${empty.map((name) => `{{${name}}}`).join(', ')}`
  }
  const fill = (text: string, html = false) => fillTemplate(text, draft.variables, { html }).text
  const candidate = {
    to: draft.to,
    cc: draft.cc,
    bcc: draft.bcc,
    subject: fill(draft.subject),
    text: fill(draft.text),
    ...(draft.html === null ? {} : { html: fill(draft.html, true) }),
  }
  const bytes = emailJsonBytes(candidate)
  const parsed = composeSchema.safeParse(candidate)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path[0]
      if (field === 'to' || field === 'cc' || field === 'bcc') {
        if (issue.path.length === 1) errors[field] ??= capitalize(issue.message)
      } else if (field === 'subject' && issue.message === BLANK_EMAIL_ERROR) {
        errors.subject ??= 'Write a subject or a body: an email with neither is not sent'
      } else if (field === 'subject') {
        errors.subject ??= `Subject ${issue.message}`
      } else if (field === 'text' && bytes > MAX_EMAIL_BYTES) {
        errors.text ??= `The email is ${formatKiB(bytes)}, over the limit of ${formatKiB(MAX_EMAIL_BYTES)}`
      } else {
        errors.to ??= capitalize(issue.message)
      }
    }
  }
  const valid = parsed.success && Object.keys(errors).length === 0
  return { email: valid ? parsed.data : undefined, errors, bytes, variables }
}

export function formatKiB(bytes: number): string {
  return `${(bytes / 1024).toFixed(bytes < 10 * 1024 ? 1 : 0)} KiB`
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1)
}
