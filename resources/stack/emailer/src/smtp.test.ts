import { Socket, type AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { EmailRequest } from '../../../../shared/messages'
import type { SmtpConfig } from './config'
import { createSmtpMailer, senderOf, type Mailer } from './smtp'

interface Received {
  envelopeTo: string[]
  messageId: string | undefined
  mailDockId: unknown
  bccHeader: unknown
  fromHeader: string | undefined
  toHeader: string | undefined
  ccHeader: string | undefined
  hookFiredBeforeEndOfData: boolean
  text: string | undefined
}

/** A header as written on the wire (before any parser renders it again). */
function rawHeader(message: Buffer, name: string): string | undefined {
  return new RegExp(`^${name}: (.*)$`, 'mi').exec(message.toString('latin1'))?.[1]?.trimEnd()
}

const received: Received[] = []
let hookFired = false
let rejectAll = false
let server: SMTPServer
let mailer: Mailer

const request: EmailRequest = {
  v: 1,
  id: 'mail-7',
  to: ['ada@example.com'],
  cc: ['bob@example.org'],
  bcc: ['audit@example.net'],
  subject: 'Hello',
  text: 'line one\n.\nline three', // a lone dot in the body must not end the data early
  createdAt: '2026-01-01T00:00:00.000Z',
}

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      if (!rejectAll) return callback()
      callback(Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('end', () => {
        const firedAtEnd = hookFired
        const message = Buffer.concat(chunks)
        void simpleParser(message).then((mail) => {
          received.push({
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            messageId: mail.messageId,
            mailDockId: mail.headers.get('x-maildock-id'),
            bccHeader: mail.headers.get('bcc'),
            fromHeader: rawHeader(message, 'From'),
            toHeader: rawHeader(message, 'To'),
            ccHeader: rawHeader(message, 'Cc'),
            hookFiredBeforeEndOfData: firedAtEnd,
            text: mail.text,
          })
          callback()
        })
      })
    },
  })
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  const config: SmtpConfig = {
    host: '127.0.0.1',
    port,
    secure: false,
    requireTls: false,
    ignoreTls: true,
    rejectUnauthorized: true,
    poolSize: 2,
    connectionTimeoutMs: 2000,
    socketTimeoutMs: 5000,
    from: 'MailDock <noreply@maildock.local>',
    messageIdDomain: 'maildock.local',
  }
  mailer = createSmtpMailer(config)
})

afterAll(async () => {
  mailer.close()
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

describe('the sender given to nodemailer', () => {
  it('is parsed once into an address, a new copy for each email', () => {
    const sender = senderOf('MailDock <noreply@maildock.local>')
    const first = sender()
    expect(first).toEqual({ name: 'MailDock', address: 'noreply@maildock.local' })
    expect(sender()).not.toBe(first)
  })

  it('stays text when it is not one address', () => {
    expect(senderOf('a@example.org, b@example.org')()).toBe('a@example.org, b@example.org')
    expect(senderOf('MailDock')()).toBe('MailDock')
  })
})

describe('SMTP mailer', () => {
  it('sends with a Message-ID derived from the email id and bcc only in the envelope', async () => {
    hookFired = false
    const receipt = await mailer.send(request, () => {
      hookFired = true
    })
    expect(receipt.response).toMatch(/^250/)
    expect(receipt.accepted.sort()).toEqual([
      'ada@example.com',
      'audit@example.net',
      'bob@example.org',
    ])
    expect(received.at(-1)).toMatchObject({
      envelopeTo: ['ada@example.com', 'bob@example.org', 'audit@example.net'],
      messageId: '<mail-7@maildock.local>',
      mailDockId: 'mail-7',
      bccHeader: undefined,
      fromHeader: 'MailDock <noreply@maildock.local>',
      toHeader: 'ada@example.com',
      ccHeader: 'bob@example.org',
    })
  })

  it('signals the end of data before the server has the final dot', async () => {
    hookFired = false
    await mailer.send({ ...request, id: 'mail-8' }, () => {
      hookFired = true
    })
    expect(received.at(-1)?.hookFiredBeforeEndOfData).toBe(true)
  })

  it('fails with the SMTP code, without reaching the end of data, when recipients are refused', async () => {
    rejectAll = true
    let fired = false
    try {
      await expect(
        mailer.send({ ...request, id: 'mail-9' }, () => {
          fired = true
        }),
      ).rejects.toMatchObject({ responseCode: 550 })
    } finally {
      rejectAll = false
    }
    expect(fired).toBe(false)
  })

  it('writes a small message and its final dot in one piece, after the hook', async () => {
    await mailer.send({ ...request, id: 'mail-warm' }, () => undefined)
    const { writes, stop } = recordWrites()
    let writesAtHook = -1
    try {
      await mailer.send({ ...request, id: 'mail-10', text: 'short' }, () => {
        writesAtHook = writes.length
      })
    } finally {
      stop()
    }
    // The pipelined MAIL, RCPT and DATA; then, after the hook, the whole message with its dot.
    expect(writes).toHaveLength(2)
    expect(writesAtHook).toBe(1)
    expect(writes[1]?.text).toContain('short')
    expect(writes[1]?.text).toMatch(ENDS_WITH_FINAL_DOT)
    expect(received.at(-1)?.text).toBe('short\n')
  })

  it('hands a large message but the final dot to the kernel before the hook runs', async () => {
    // Each write done 5 ms late, as by a slow network: the socket stays full, the pipe pauses, and
    // the end of the data finds chunks still in the data stream's own buffer.
    const text = 'a long line of text\n'.repeat(20_000)
    const { writes, stop } = recordWrites(5)
    let atHook: { count: number; pending: number[] } | undefined
    try {
      await mailer.send({ ...request, id: 'mail-11', text }, () => {
        atHook = {
          count: writes.length,
          pending: [...new Set(writes.map((write) => write.socket))].map(
            (socket) => socket.writableLength,
          ),
        }
      })
    } finally {
      stop()
    }
    // Nothing written after the hook but the dot, nothing left unwritten in the socket at it.
    expect(atHook?.pending.every((length) => length === 0)).toBe(true)
    const after = writes.slice(atHook?.count).map((write) => write.text)
    expect(after.join('')).toMatch(FINAL_DOT)
    expect(received.at(-1)?.text).toBe(text)
  })

  it.each([
    ['a small message', 'short'],
    ['a large message', 'a long line of text\n'.repeat(20_000)],
  ])('has not handed the final dot of %s to the kernel when the hook runs', async (_what, text) => {
    const { writes, stop } = recordWrites()
    let beforeHook = ''
    try {
      await mailer.send({ ...request, id: `mail-12-${text.length}`, text }, () => {
        beforeHook = writes.map((write) => write.text).join('')
      })
    } finally {
      stop()
    }
    expect(beforeHook).not.toMatch(/\r\n\.\r\n/)
    expect(writes.map((write) => write.text).join('')).toMatch(ENDS_WITH_FINAL_DOT)
  })
})

const FINAL_DOT = /^(\r\n)?\.\r\n$/
const ENDS_WITH_FINAL_DOT = /\r\n\.\r\n$/

interface Write {
  socket: Socket
  text: string
}

/**
 * Every write the client's sockets hand to the kernel, in order, until `stop`; each reported done
 * `lateMs` later than it was.
 */
function recordWrites(lateMs = 0): { writes: Write[]; stop: () => void } {
  const port = (server.server.address() as AddressInfo).port
  const writes: Write[] = []
  const socketPrototype = Socket.prototype as unknown as { _writeGeneric: WriteGeneric }
  const original = socketPrototype._writeGeneric
  const spy = vi.spyOn(socketPrototype, '_writeGeneric').mockImplementation(function writeGeneric(
    this: Socket,
    writev,
    data,
    encoding,
    callback,
  ) {
    if (this.remotePort === port) writes.push({ socket: this, text: dataText(writev, data) })
    const done: typeof callback =
      lateMs === 0 ? callback : (error) => setTimeout(() => callback(error), lateMs)
    original.call(this, writev, data, encoding, done)
  })
  return { writes, stop: () => spy.mockRestore() }
}

type WriteGeneric = (
  this: Socket,
  writev: boolean,
  data: unknown,
  encoding: string,
  callback: (error?: Error | null) => void,
) => void

function dataText(writev: boolean, data: unknown): string {
  const chunks = writev
    ? (data as { chunk: Buffer | string }[]).map((entry) => entry.chunk)
    : [data]
  return chunks
    .map((chunk) => (Buffer.isBuffer(chunk) ? chunk.toString('latin1') : String(chunk)))
    .join('')
}
