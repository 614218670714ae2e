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
