import { describe, expect, it } from 'vitest'
import { composeSchema, fillTemplate, MAX_EMAIL_BYTES, templateVariables } from './mail'

const valid = { to: ['ann@example.org'], subject: 'Hello', text: 'Hi' }
const issues = (input: unknown) => {
  const parsed = composeSchema.safeParse(input)
  return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
}

describe('composeSchema', () => {
  it('accepts a plain email and defaults cc and bcc', () => {
    expect(composeSchema.parse(valid)).toEqual({ ...valid, cc: [], bcc: [] })
  })

  it('names each problem: no recipient, a bad address, CR/LF in the subject, a body too large', () => {
    expect(issues({ ...valid, to: [] })).toEqual(['to: needs at least one recipient'])
    expect(issues({ ...valid, cc: ['bob@'] })).toEqual(['cc.0: is not a valid email address'])
    expect(issues({ ...valid, subject: 'a\r\nBcc: x@y.z' })).toEqual([
      'subject: must not contain CR or LF',
    ])
    expect(issues({ ...valid, text: 'x'.repeat(MAX_EMAIL_BYTES) })).toEqual([
      'text: is larger than 1024 KiB',
    ])
  })
})

describe('templates', () => {
  it('lists variables once, in order of use', () => {
    expect(templateVariables('Hi {{ name }}', '{{code}} for {{name}}', undefined)).toEqual([
      'name',
      'code',
    ])
  })

  it('fills known variables and reports the missing ones', () => {
    expect(fillTemplate('Hi {{name}}, {{code}}', { name: 'Ann' })).toEqual({
      text: 'Hi Ann, {{code}}',
      missing: ['code'],
    })
  })
})
