import { describe, expect, it } from 'vitest'
import { matcher } from './search'
import type { StoredMessage } from './store'

const message = (fields: Partial<StoredMessage>): StoredMessage =>
  ({
    From: null,
    To: [],
    Cc: [],
    Bcc: [],
    Subject: '',
    Text: '',
    Tags: [],
    Read: false,
    MessageID: '',
    Attachments: [],
    ...fields,
  }) as StoredMessage

describe('catcher search matcher', () => {
  it('decides tag and read terms before the parse, and leaves the rest to the full match', () => {
    const { beforeParse, matches } = matcher('tag:Urgent is:unread subject:invoice')
    expect(beforeParse({ Tags: ['urgent'], Read: false })).toBe(true)
    expect(beforeParse({ Tags: ['urgent'], Read: true })).toBe(false)
    expect(beforeParse({ Tags: [], Read: false })).toBe(false)
    const tagged = { Tags: ['urgent'], Read: false }
    expect(matches(message({ ...tagged, Subject: 'Your invoice' }))).toBe(true)
    expect(matches(message({ ...tagged, Subject: 'Hello' }))).toBe(false)
  })

  it('negates before-parse terms too, and lets every message through when it has none', () => {
    expect(matcher('-tag:spam').beforeParse({ Tags: ['spam'], Read: false })).toBe(false)
    expect(matcher('!is:read').beforeParse({ Tags: [], Read: false })).toBe(true)
    expect(matcher('is:tagged').beforeParse({ Tags: [], Read: false })).toBe(false)
    expect(matcher('hello to:a@x').beforeParse({ Tags: [], Read: true })).toBe(true)
  })
})
