import { describe, expect, it } from 'vitest'
import { parseBindAddress, readConfig } from './config'

describe('readConfig', () => {
  it('defaults to Mailpit ports on all interfaces and 10,000 messages', () => {
    const config = readConfig({})
    expect(config).toMatchObject({
      smtpHost: '0.0.0.0',
      smtpPort: 1025,
      httpHost: '0.0.0.0',
      httpPort: 8025,
      maxMessages: 10_000,
    })
    expect(config.chaos.Recipient.Probability).toBe(0)
  })

  it('reads Mailpit variables', () => {
    const config = readConfig({
      MP_SMTP_BIND_ADDR: '127.0.0.1:2525',
      MP_UI_BIND_ADDR: ':8080',
      MP_MAX_MESSAGES: '5',
      MP_MAX_MESSAGE_SIZE: '2',
      MP_CHAOS_TRIGGERS: 'Recipient:550:100',
    })
    expect(config).toMatchObject({
      smtpHost: '127.0.0.1',
      smtpPort: 2525,
      httpHost: '0.0.0.0',
      httpPort: 8080,
      maxMessages: 5,
      maxMessageBytes: 2 * 1024 * 1024,
    })
    expect(config.chaos.Recipient).toEqual({ ErrorCode: 550, Probability: 100 })
  })

  it('rejects malformed values instead of guessing', () => {
    expect(() => readConfig({ MP_MAX_MESSAGES: '0' })).toThrow(/MP_MAX_MESSAGES/)
    expect(() => readConfig({ MP_SMTP_BIND_ADDR: 'localhost' })).toThrow(/MP_SMTP_BIND_ADDR/)
  })

  it('parses IPv6 bind addresses', () => {
    expect(parseBindAddress('[::]:1025', 'X')).toEqual({ host: '::', port: 1025 })
  })
})
