import { describe, expect, it } from 'vitest'
import { csvTemplate } from './send-command'

const none = { to: [], cc: [], bcc: [], var: [] }

describe('csvTemplate', () => {
  it('takes subject, text and html from columns of those names when no option gives them', () => {
    expect(csvTemplate(none, ['email', 'subject', 'text', 'html'])).toEqual({
      subject: '{{subject}}',
      text: '{{text}}',
      html: '{{html}}',
    })
  })

  it('prefers the options, and leaves what neither gives empty', () => {
    expect(csvTemplate({ ...none, subject: 'Hi', text: 'Body' }, ['email', 'subject'])).toEqual({
      subject: 'Hi',
      text: 'Body',
    })
    expect(csvTemplate(none, ['email', 'name'])).toEqual({ subject: '', text: '' })
  })
})
