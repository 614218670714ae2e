import { describe, expect, it } from 'vitest'
import { receiveMessage } from './parse'
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

  it('parses a message on first need only, once, keeping what was set on it before', async () => {
    const store = new MessageStore(10)
    const parses: string[] = []
    for (const subject of ['a', 'b', 'c']) {
      const raw = Buffer.from(
        `Subject: ${subject}\r\nX-Tags: t-${subject}\r\n\r\nbody ${subject}\r\n`,
      )
      const received = receiveMessage(raw, { mailFrom: 'm@test', rcptTo: ['r@test'], username: '' })
      const parse = received.parse
      store.add({
        ...received,
        parse: () => {
          parses.push(subject)
          return parse()
        },
      })
    }
    // The header block is read on arrival: tags count without any parse.
    expect(store.tagCounts()).toEqual({ 't-a': 1, 't-b': 1, 't-c': 1 })
    expect(parses).toEqual([])
    const newest = store.page(0, 2)
    const [first] = newest
    if (first !== undefined) first.Read = true
    const parsed = await store.parsed(newest)
    expect(parsed.map((message) => [message.Subject, message.Text, message.Read])).toEqual([
      ['c', 'body c\n', true],
      ['b', 'body b\n', false],
    ])
    await Promise.all([store.parsed(store.page(0, 3)), store.parsed(store.page(0, 3))])
    expect(parses).toEqual(['c', 'b', 'a'])
    expect(store.get('latest')).toBe(parsed[0])
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
