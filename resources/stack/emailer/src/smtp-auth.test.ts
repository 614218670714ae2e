// A relay password never crosses the wire in clear text unless the settings say so (issue #11):
// a real SMTP server that offers AUTH but no STARTTLS, and the emailer's own config rules.
import { mkdtempSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EmailRequest } from '../../../../shared/messages'
import { loadEmailerConfig } from './config'
import { createSmtpMailer } from './smtp'

const logins: string[] = []
let delivered = 0
let server: SMTPServer
let port = 0

const request: EmailRequest = {
  v: 1,
  id: 'auth-1',
  to: ['ada@example.com'],
  cc: [],
  bcc: [],
  subject: 'Hello',
  text: 'Hi',
  createdAt: '2026-01-01T00:00:00.000Z',
}

beforeAll(async () => {
  server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push(`${auth.username}:${auth.password}`)
      callback(null, { user: auth.username })
    },
    onData(stream, _session, callback) {
      stream.resume()
      stream.on('end', () => {
        delivered += 1
        callback()
      })
    },
  })
  server.on('error', () => undefined)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.server.address() as AddressInfo).port
})

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()))
})

const relay = (extra: Record<string, string>) =>
  loadEmailerConfig({
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(port),
    SMTP_USER: 'ann',
    SMTP_PASSWORD: 'hunter2',
    SMTP_CONNECTION_TIMEOUT_MS: '2000',
    ...extra,
  }).smtp

async function attempt(config: ReturnType<typeof relay>) {
  const mailer = createSmtpMailer(config)
  try {
    return await mailer
      .send(request, () => undefined)
      .then(
        () => 'sent',
        (error: Error) => error.message,
      )
  } finally {
    mailer.close()
  }
}

describe('relay credentials and TLS', () => {
  it('refuses to log in to a server without STARTTLS by default (requireTLS), sending nothing', async () => {
    logins.length = 0
    delivered = 0
    expect(relay({}).requireTls).toBe(true)
    expect(await attempt(relay({}))).toMatch(/STARTTLS|TLS/i)
    expect(logins).toEqual([])
    expect(delivered).toBe(0)
  })

  it('logs in over plain text only when SMTP_ALLOW_PLAINTEXT_AUTH says so', async () => {
    logins.length = 0
    const config = relay({ SMTP_IGNORE_TLS: 'true', SMTP_ALLOW_PLAINTEXT_AUTH: 'true' })
    expect(await attempt(config)).toBe('sent')
    expect(logins).toEqual(['ann:hunter2'])
  })

  it('rejects SMTP_IGNORE_TLS with credentials unless plain text is allowed explicitly', () => {
    expect(() => relay({ SMTP_IGNORE_TLS: 'true' })).toThrow(/SMTP_ALLOW_PLAINTEXT_AUTH=true/)
    expect(relay({ SMTP_SECURE: 'true' })).toMatchObject({ secure: true, requireTls: false })
  })

  it('reads the password from SMTP_PASSWORD_FILE', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'md-secret-')), 'smtp-password')
    writeFileSync(file, 's3cret\n', { mode: 0o600 })
    const config = loadEmailerConfig({ SMTP_USER: 'ann', SMTP_PASSWORD_FILE: file }).smtp
    expect(config.password).toBe('s3cret')
  })
})
