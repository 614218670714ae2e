import { describe, expect, it } from 'vitest'
import * as contract from '../../../shared/contract'
import * as wire from '../../../shared/messages'

// The compose form validates with shared/contract's copy of the API's rules: the two must agree.
const addresses = [
  'ann@example.org',
  'a.b+c@sub.example.co.uk',
  'bob@',
  '@example.org',
  'no-at-sign',
  'two@@example.org',
  'ann@example.org\r\nBcc: x@y.z',
  'space in@example.org',
  `${'x'.repeat(250)}@example.org`,
  'ünï@example.org',
  '',
]
const subjects = ['Hello', '', 'a\nb', 'a\rb', 'x'.repeat(998), 'x'.repeat(999), 'Grüße ✓']

describe('contract rules match the wire format', () => {
  it.each(addresses)('address %j', (address) => {
    const mine = contract.emailAddressSchema.safeParse(address)
    const theirs = wire.emailAddressSchema.safeParse(address)
    expect(mine.success).toBe(theirs.success)
    expect(mine.error?.issues[0]?.message).toBe(theirs.error?.issues[0]?.message)
  })

  it.each(subjects)('subject %j', (subject) => {
    expect(contract.subjectSchema.safeParse(subject).success).toBe(
      wire.subjectSchema.safeParse(subject).success,
    )
  })

  it('has the same recipient limit', () => {
    expect(contract.MAX_RECIPIENTS).toBe(wire.MAX_RECIPIENTS)
  })
})
