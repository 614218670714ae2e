import { describe, expect, it } from 'vitest'
import { MessageStore, newMessageId, snippet, type CaughtMessage } from './store'

function caught(subject: string): CaughtMessage {
  return {
    MessageID: `${subject}@test`,
    From: { Name: '', Address: 'from@test' },
    To: [{ Name: '', Address: 'to@test' }],
    Cc: [],
    Bcc: [],
    ReplyTo: [],
    ReturnPath: 'from@test',
    Subject: subject,
    Date: null,
    Text: `text of ${subject}`,
    HTML: '',
    Size: 10,
    Inline: [],
    Attachments: [],
    Username: '',
    Headers: {},
    Tags: [],
    Parts: {},
    Raw: Buffer.from(subject),
  }
}

describe('MessageStore', () => {
  it('pages newest first', () => {
    const store = new MessageStore(100)
    for (const subject of ['a', 'b', 'c', 'd', 'e']) store.add(caught(subject))
    expect(store.page(0, 2).map((message) => message.Subject)).toEqual(['e', 'd'])
    expect(store.page(2, 2).map((message) => message.Subject)).toEqual(['c', 'b'])
    expect(store.page(4, 2).map((message) => message.Subject)).toEqual(['a'])
    expect(store.page(5, 2)).toEqual([])
    expect(store.get('latest')?.Subject).toBe('e')
  })

  it('keeps only the newest maxMessages and forgets the evicted ids', () => {
    const store = new MessageStore(3)
    const first = store.add(caught('1'))
    for (const subject of ['2', '3', '4']) store.add(caught(subject))
    expect(store.size).toBe(3)
    expect(store.get(first.ID)).toBeUndefined()
    expect(store.page(0, 10).map((message) => message.Subject)).toEqual(['4', '3', '2'])
  })

  it('deletes chosen ids or everything', () => {
    const store = new MessageStore(10)
    const [a, b] = ['a', 'b', 'c'].map((subject) => store.add(caught(subject)))
    expect(store.delete([a?.ID ?? '', 'unknown'])).toBe(1)
    expect(store.page(0, 10).map((message) => message.Subject)).toEqual(['c', 'b'])
    expect(store.get(b?.ID ?? '')?.Subject).toBe('b')
    expect(store.delete()).toBe(2)
    expect(store.size).toBe(0)
    expect(store.deletedCount).toBe(3)
  })

  it('gives distinct 22-character ids', () => {
    const store = new MessageStore(1000)
    const ids = new Set(Array.from({ length: 500 }, () => store.add(caught('x')).ID))
    expect(ids.size).toBe(500)
    for (const id of ids) expect(id).toMatch(/^[\w-]{22}$/)
  })

  it('cuts snippets at 250 characters of flattened text', () => {
    expect(snippet('a\n\n b\tc')).toBe('a b c')
    expect(snippet('x'.repeat(300))).toBe(`${'x'.repeat(250)}...`)
  })
})

describe('newMessageId', () => {
  it('gives 22 URL-safe characters, never the same twice, across many draws of random bytes', () => {
    const ids = Array.from({ length: 2000 }, () => newMessageId())
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(new Set(ids).size).toBe(ids.length)
  })
})
