// The catcher's SMTP side under hostile clients (issue #11): malformed commands, huge headers,
// connections dropped mid-DATA. Afterwards it still takes a normal email.
import { connect } from 'node:net'
import fc from 'fast-check'
import nodemailer from 'nodemailer'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCatcher, type Catcher } from './catcher'

let catcher: Catcher

beforeAll(async () => {
  catcher = await startCatcher({ maxMessages: 50, maxMessageBytes: 2 * 1024 * 1024 })
})

afterAll(async () => {
  await catcher.close()
})

/** Sends the lines, then closes (or drops) the connection; resolves with what the server said. */
function session(lines: string[], drop: boolean): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: catcher.smtpPort })
    let said = ''
    const timer = setTimeout(() => socket.destroy(), 3_000)
    socket.on('data', (chunk: Buffer) => (said += chunk.toString('latin1')))
    socket.on('error', () => undefined)
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(said)
    })
    socket.once('data', () => {
      socket.write(lines.join('\r\n'))
      if (drop) socket.destroy()
      else socket.end('\r\nQUIT\r\n')
    })
  })
}

const junk = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    'MAIL FROM:<',
    'RCPT TO:<<>>',
    'DATA',
    'BDAT 99999999',
    'AUTH PLAIN ====',
    'STARTTLS',
  ),
  fc.constantFrom(
    'HELO',
    'EHLO ' + 'x'.repeat(5_000),
    'VRFY root',
    'EXPN all',
    '\u0000\u0001\u0002',
  ),
)

describe('the catcher SMTP server under hostile clients', () => {
  it('survives malformed commands, huge headers and drops mid-DATA, then takes mail', async () => {
    const scripts = [
      ...fc
        .sample(fc.array(junk, { minLength: 1, maxLength: 8 }), { numRuns: 150, seed: 11 })
        .map((lines) => ({ lines: ['EHLO fuzz', ...lines], drop: false })),
      ...Array.from({ length: 20 }, (_, i) => ({
        lines: [
          'EHLO fuzz',
          'MAIL FROM:<a@b.co>',
          'RCPT TO:<c@d.co>',
          'DATA',
          `Subject: ${'h'.repeat(100_000 * (i % 3))}`,
          'X-Long: ' + 'y'.repeat(10_000),
          '',
          'body',
        ],
        drop: i % 2 === 0,
      })),
    ]
    const answers = []
    for (let i = 0; i < scripts.length; i += 10) {
      answers.push(
        ...(await Promise.all(scripts.slice(i, i + 10).map((s) => session(s.lines, s.drop)))),
      )
    }
    const greeted = answers.filter((said) => said.startsWith('220')).length
    console.log(`catcher SMTP fuzz: ${scripts.length} sessions, ${greeted} greeted`)
    expect(greeted).toBe(scripts.length)

    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: catcher.smtpPort,
      secure: false,
      ignoreTLS: true,
    })
    const info = await transport.sendMail({
      from: 'a@b.co',
      to: 'after@example.test',
      subject: 'after the fuzz',
      text: 'still here',
    })
    expect(info.accepted).toEqual(['after@example.test'])
    transport.close()
  }, 120_000)
})
