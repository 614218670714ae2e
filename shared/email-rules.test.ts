import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { mailChannels } from './contract/mail'
import { sendEmailInputSchema } from './messages'
import { displayNameSchema, emailIdSchema, subjectSchema } from './email-rules'

const problem = (schema: z.ZodType, value: unknown): string | null => {
  const parsed = schema.safeParse(value)
  return parsed.success ? null : (parsed.error.issues[0]?.message ?? 'invalid')
}

describe('header text (subjects, display names)', () => {
  it.each([
    ['NUL', 'a\u0000b'],
    ['ESC (terminal escape)', 'x\u001b]0;pwned\u0007'],
    ['backspace', 'a\bb'],
    ['DEL', 'a\u007fb'],
    ['C1 NEL', 'a\u0085b'],
    ['C1 CSI', 'a\u009b2J'],
  ])('rejects %s', (_what, value) => {
    expect(problem(subjectSchema, value)).toBe(
      'must not contain control characters (tab is allowed)',
    )
    expect(problem(displayNameSchema, value)).toBe(
      'must not contain control characters (tab is allowed)',
    )
  })

  it('rejects CR/LF and lone surrogates, and accepts tab, emoji and non-Latin text', () => {
    expect(problem(subjectSchema, 'a\r\nBcc: x@y.z')).toBe('must not contain CR or LF')
    expect(problem(subjectSchema, 'broken \ud800 pair')).toBe(
      'must be well-formed Unicode (a lone surrogate is not)',
    )
    expect(problem(subjectSchema, 'tab\there, 😀, Grüße, 日本語, עברית')).toBeNull()
  })

  it('applies to the API input and the app contract alike', () => {
    const body = { to: 'a@b.co', subject: 'a\u001b[2Jb', text: 't' }
    expect(sendEmailInputSchema.safeParse(body).success).toBe(false)
    const compose = { to: ['a@b.co'], subject: 'a\u001b[2Jb', text: 't' }
    expect(mailChannels['mail:send'].input.safeParse({ email: compose }).success).toBe(false)
  })
})

describe('idempotency keys: one rule for the app and the API', () => {
  it.each(['k\r\nX: y', 'with space', 'ü', '', 'x'.repeat(129)])('rejects %j', (key) => {
    expect(emailIdSchema.safeParse(key).success).toBe(false)
    const input = { email: { to: ['a@b.co'], subject: 's', text: 't' }, idempotencyKey: key }
    expect(mailChannels['mail:send'].input.safeParse(input).success).toBe(false)
  })

  it('accepts the keys the app generates and documents', () => {
    for (const key of ['order-7:welcome', 'b1a2-r12', '3f2c1d6e-0d3a-4a59-9a0e-5f1b2c3d4e5f']) {
      expect(emailIdSchema.safeParse(key).success).toBe(true)
    }
  })
})
