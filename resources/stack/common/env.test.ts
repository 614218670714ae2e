import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { envBrokerUrl } from './env'

describe('envBrokerUrl', () => {
  it('puts the password from AMQP_PASSWORD_FILE into a URL that has none', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'maildock-env-')), 'amqp-password')
    writeFileSync(file, 'p@ss/word\n')
    const env = { AMQP_URL: 'amqp://api@broker:5672', AMQP_PASSWORD_FILE: file }
    const url = new URL(envBrokerUrl(env, 'amqp://x'))
    expect(url.username).toBe('api')
    expect(decodeURIComponent(url.password)).toBe('p@ss/word')
    expect(url.host).toBe('broker:5672')
  })

  it('keeps AMQP_URL as it is without a password variable, and the fallback without either', () => {
    expect(envBrokerUrl({ AMQP_URL: 'amqp://u:p@h:1' }, 'amqp://x')).toBe('amqp://u:p@h:1')
    expect(envBrokerUrl({}, 'amqp://m:m@broker:5672')).toBe('amqp://m:m@broker:5672')
    expect(() => envBrokerUrl({ AMQP_PASSWORD_FILE: '/nonexistent/x' }, 'amqp://x')).toThrow(
      /AMQP_PASSWORD_FILE/,
    )
  })
})
