import { describe, expect, it } from 'vitest'
import { receiveMessage } from './parse'

const envelope = { mailFrom: 'm@test', rcptTo: ['r@test'], username: '' }

describe('receiveMessage header block', () => {
  it('keeps raw UTF-8 header values (RFC 6532) readable, in /headers and in the parsed subject', async () => {
    const raw = Buffer.from('Subject: Grüße – 東京\r\nX-Tags: café\r\n\r\nbody\r\n', 'utf8')
    const received = receiveMessage(raw, envelope)
    expect(received.Headers.Subject).toEqual(['Grüße – 東京'])
    expect(received.Tags).toEqual(['café'])
    expect((await received.parse()).Subject).toBe('Grüße – 東京')
  })

  it('keeps a header block that is not valid UTF-8 byte for byte (latin1)', () => {
    const raw = Buffer.concat([
      Buffer.from('Subject: caf'),
      Buffer.from([0xe9]),
      Buffer.from('\r\n\r\nbody\r\n'),
    ])
    expect(receiveMessage(raw, envelope).Headers.Subject).toEqual(['café'])
  })

  it('unfolds continuation lines and joins repeated headers in order', () => {
    const raw = Buffer.from('Received: a\r\n  b\r\nReceived: c\r\nx-maildock-id: 7\r\n\r\n')
    const { Headers } = receiveMessage(raw, envelope)
    expect(Headers.Received).toEqual(['a b', 'c'])
    expect(Headers['X-Maildock-Id']).toEqual(['7'])
  })
})
