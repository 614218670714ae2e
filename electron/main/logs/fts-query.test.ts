import { describe, expect, it } from 'vitest'
import { plainFtsQuery, toFtsQuery } from './fts-query'

describe('toFtsQuery', () => {
  it('keeps words, operators, phrases, prefixes and groups as FTS5 reads them', () => {
    expect(toFtsQuery('deliver*')).toBe('deliver*')
    expect(toFtsQuery('"mailbox full" OR timeout')).toBe('"mailbox full" OR timeout')
    expect(toFtsQuery('(sent OR failed) NOT retry')).toBe('(sent OR failed) NOT retry')
    expect(toFtsQuery('"mailbox fu"*')).toBe('"mailbox fu"*')
  })

  it('quotes addresses, ids and dotted names into phrases', () => {
    expect(toFtsQuery('bob@example.com')).toBe('"bob@example.com"')
    expect(toFtsQuery('msg-42 email.sent')).toBe('"msg-42" "email.sent"')
    expect(toFtsQuery('email.sen*')).toBe('"email.sen"*')
    expect(toFtsQuery('service:api')).toBe('"service:api"')
  })

  it('leaves broken syntax for FTS5 to reject', () => {
    expect(toFtsQuery('"unbalanced')).toBe('"unbalanced')
    expect(toFtsQuery('AND')).toBe('AND')
  })
})

describe('plainFtsQuery', () => {
  it('turns every word into a required phrase and drops stray quotes', () => {
    expect(plainFtsQuery('"unbalanced quote')).toBe('"unbalanced" "quote"')
    expect(plainFtsQuery('AND')).toBe('"AND"')
    expect(plainFtsQuery('a"b')).toBe('"a" "b"')
  })

  it('has nothing to search for in punctuation only', () => {
    expect(plainFtsQuery('" * (')).toBeNull()
  })
})
