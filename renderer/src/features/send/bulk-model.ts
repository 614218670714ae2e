import { templateVariables, type CsvMapping, type CsvPreview } from '../../../../shared/contract'

export interface BulkTemplate {
  subject: string
  text: string
  html: string | null
}

export interface BulkDraftCheck {
  mapping: CsvMapping | undefined
  errors: { to?: string; template?: string }
  variables: string[]
}

/** What must hold before a bulk send can start: a To column, and only known variables. */
export function checkBulkDraft(
  preview: CsvPreview,
  mapping: Partial<CsvMapping>,
  template: BulkTemplate,
): BulkDraftCheck {
  const errors: BulkDraftCheck['errors'] = {}
  const variables = templateVariables(template.subject, template.text, template.html ?? undefined)
  if (mapping.to === undefined) errors.to = 'Choose the column that holds the recipients'
  const unknown = variables.filter((name) => !preview.columns.includes(name))
  if (unknown.length > 0) {
    errors.template = `${unknown.map((name) => `{{${name}}}`).join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not a column of the file`
  } else if (template.subject.trim() === '' && template.text.trim() === '') {
    errors.template = 'Write a subject or a text'
  }
  const complete =
    mapping.to === undefined
      ? undefined
      : {
          to: mapping.to,
          ...(mapping.cc === undefined ? {} : { cc: mapping.cc }),
          ...(mapping.bcc === undefined ? {} : { bcc: mapping.bcc }),
        }
  return { mapping: Object.keys(errors).length === 0 ? complete : undefined, errors, variables }
}

/** A send's default name: the file's name and the minute, e.g. people-20261201-1515. */
export function defaultSendName(fileName: string, now = new Date()): string {
  const stem = fileName
    .replace(/\.[^.]*$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
  const pad = (n: number) => String(n).padStart(2, '0')
  const stamp = `${now.getFullYear()}${pad(now.getMonth() + 1)}${pad(now.getDate())}-${pad(now.getHours())}${pad(now.getMinutes())}${pad(now.getSeconds())}`
  return `${stem || 'send'}-${stamp}`
}

/** Why a send name cannot be used (the catcher tag rule), or undefined. */
export function sendNameError(name: string): string | undefined {
  if (name.trim() === '') return 'Give the send a name'
  if (name.length > 100) return 'At most 100 characters'
  if (/[\r\n,]/.test(name)) return 'No commas or line breaks'
  return undefined
}

/** "18 valid, 2 will be skipped" */
export function checkSummary(check: { valid: number; invalidCount: number }): string {
  const rows = (n: number) => `${n} row${n === 1 ? '' : 's'}`
  if (check.invalidCount === 0) return `${rows(check.valid)}, all valid`
  return `${check.valid} valid, ${check.invalidCount} will be skipped`
}
