import { describe, expect, it } from 'vitest'
import { loadEmailerConfig } from './config'

describe('loadEmailerConfig', () => {
  it('defaults to the catcher on smtp:1025, 5 s .. 10 min retries and assume-sent', () => {
    const config = loadEmailerConfig({})
    expect(config.smtp).toMatchObject({ host: 'smtp', port: 1025, secure: false, poolSize: 10 })
    expect(config.smtp.user).toBeUndefined()
    expect(config.retryDelaysMs).toEqual([5000, 30000, 120000, 600000])
    expect(config.onInterrupted).toBe('assume-sent')
    expect(config.ledgerDir).toBe('/data/ledger')
  })

  it('takes a real relay from the environment', () => {
    const config = loadEmailerConfig({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
      SMTP_USER: 'mailer',
      SMTP_PASSWORD: 'secret',
      EMAILER_RETRY_DELAYS_MS: '1000,2000',
    })
    expect(config.smtp).toMatchObject({
      host: 'smtp.example.com',
      port: 465,
      secure: true,
      user: 'mailer',
      password: 'secret',
    })
    expect(config.retryDelaysMs).toEqual([1000, 2000])
  })

  it('says which variable is wrong', () => {
    expect(() => loadEmailerConfig({ SMTP_USER: 'only-user' })).toThrow(
      'SMTP_USER and SMTP_PASSWORD must be set together',
    )
    expect(() => loadEmailerConfig({ SMTP_PORT: 'abc' })).toThrow(/SMTP_PORT must be an integer/)
    expect(() => loadEmailerConfig({ EMAILER_RETRY_DELAYS_MS: '5s' })).toThrow(
      /EMAILER_RETRY_DELAYS_MS/,
    )
    expect(() => loadEmailerConfig({ EMAILER_ON_INTERRUPTED: 'maybe' })).toThrow(
      /assume-sent, resend, dead-letter/,
    )
  })
})
