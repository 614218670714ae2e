import type { AddressInfo } from 'node:net'
import { simpleParser } from 'mailparser'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmailRequest } from '../../../../shared/messages'
import type { SmtpConfig } from './config'
import { createSmtpMailer, type Mailer } from './smtp'

interface Received {
  envelopeTo: string[]
  messageId: string | undefined
  mailDockId: unknown
  bccHeader: unknown
  hookFiredBeforeEndOfData: boolean
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
        void simpleParser(Buffer.concat(chunks)).then((mail) => {
          received.push({
            envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            messageId: mail.messageId,
            mailDockId: mail.headers.get('x-maildock-id'),
            bccHeader: mail.headers.get('bcc'),
            hookFiredBeforeEndOfData: firedAtEnd,
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
})
