import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { fixtureEvents, fixtureRequest, toMail } from '../../../test/support/log-fixtures'
import { dedupKey, keyHex, rowFromContainerLine, rowFromMailMessage, stripAnsi } from './rows'

const api = { id: 'c0ffee', name: 'maildock-api-1', service: 'api' }
const time = '2025-01-01T10:00:00.123456789Z'

describe('rowFromMailMessage', () => {
  it('turns a request into a row that names its email, subject and recipients', () => {
    const request = { ...fixtureRequest(3), cc: ['Carol@Example.com'] }
    const row = rowFromMailMessage(toMail(request))
    expect(row).toMatchObject({
      source: 'event',
      service: 'api',
      status: 'request',
      emailId: 'email-3',
      level: 'info',
      ts: Date.parse(request.createdAt),
    })
    expect(row.text).toContain(request.subject)
    expect(row.email).toEqual({
      emailId: 'email-3',
      subject: request.subject,
      recipients: ['user3@example.com', 'carol@example.com'],
      ts: row.ts,
    })
    expect(JSON.parse(row.raw ?? '')).toEqual(request)
  })

  it('levels outcome events by how they went, and keys them by eventId', () => {
    const [accepted, retrying, failed] = fixtureEvents(9)
    expect(rowFromMailMessage(toMail(accepted!)).level).toBe('info')
    expect(rowFromMailMessage(toMail(retrying!))).toMatchObject({
      level: 'warn',
      status: 'retrying',
    })
    expect(rowFromMailMessage(toMail(failed!))).toMatchObject({ level: 'error', status: 'failed' })
    expect(rowFromMailMessage(toMail(failed!)).text).toContain('mailbox unavailable (550)')
    expect(rowFromMailMessage(toMail(failed!)).dedup).toBe(
      rowFromMailMessage(toMail({ ...failed! })).dedup,
    )
    expect(rowFromMailMessage(toMail(failed!)).dedup).not.toBe(
      rowFromMailMessage(toMail(retrying!)).dedup,
    )
  })

  it('records the addresses a sent event was accepted for', () => {
    const sent = fixtureEvents(1)[1]!
    expect(rowFromMailMessage(toMail(sent)).email?.recipients).toEqual(['user1@example.com'])
  })
})

describe('rowFromContainerLine', () => {
  it('reads level, message and fields of a pino line', () => {
    const text = JSON.stringify({
      level: 'warn',
      time,
      service: 'api',
      msg: 'slow broker',
      ms: 812,
    })
    const row = rowFromContainerLine(api, { stream: 'stdout', time, text })
    expect(row).toMatchObject({ level: 'warn', source: 'container', container: 'maildock-api-1' })
    expect(row.text).toBe('slow broker service=api ms=812')
    expect(row.raw).toBe(text)
    expect(row.ts).toBe(Date.parse(time))
  })

  it('links a logger record to its email, status, subject and recipients', () => {
    const request = fixtureRequest(5)
    const text = JSON.stringify({
      level: 30,
      time,
      service: 'logger',
      msg: 'email.request',
      kind: 'request',
      emailId: request.id,
      request,
    })
    const row = rowFromContainerLine(api, { stream: 'stdout', time, text })
    expect(row).toMatchObject({ emailId: 'email-5', status: 'request', level: 'info' })
    expect(row.email).toMatchObject({ subject: request.subject, recipients: ['user5@example.com'] })
    expect(row.text).toContain(request.subject)
  })

  it('strips ANSI colours for searching, keeps them in raw, and finds a level word', () => {
    const text = '\u001b[31mERROR\u001b[0m cannot connect'
    const row = rowFromContainerLine(api, { stream: 'stderr', time, text })
    expect(row.text).toBe('ERROR cannot connect')
    expect(row.raw).toBe(text)
    expect(row.level).toBe('error')
    expect(stripAnsi('\u001b]8;;http://x\u0007link\u001b]8;;\u0007')).toBe('link')
  })

  it('stores a plain line once (raw null) and keys lines by container, time, stream and text', () => {
    const line = { stream: 'stdout' as const, time, text: 'listening on 3000' }
    const row = rowFromContainerLine(api, line)
    expect(row.raw).toBeNull()
    expect(row.level).toBe('info')
    expect(rowFromContainerLine(api, line).dedup).toBe(row.dedup)
    expect(rowFromContainerLine({ ...api, id: 'other' }, line).dedup).not.toBe(row.dedup)
    expect(rowFromContainerLine(api, { ...line, stream: 'stderr' }).dedup).not.toBe(row.dedup)
    expect(keyHex(row.dedup)).toMatch(/^[0-9a-f]{16}$/)
  })
})

describe('dedupKey', () => {
  it('keeps the keys of databases written before: the first 8 bytes of SHA-1, signed', () => {
    for (const identity of [
      'line\u0000c0ffee\u0000t\u0000stdout\u0000hello',
      'event\u0000é📨',
      '',
    ]) {
      const sha1 = createHash('sha1').update(identity).digest().readBigInt64BE(0)
      expect(dedupKey(identity)).toBe(sha1)
    }
    expect(keyHex(dedupKey('event\u0000e1'))).toMatch(/^[0-9a-f]{16}$/)
  })
})
