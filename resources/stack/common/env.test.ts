import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  envBrokerUrl,
  envInt,
  envOptional,
  envQueueType,
  envSecret,
  envString,
  parseAmqpUrls,
} from './env'

const secretFile = (content: string): string => {
  const file = join(mkdtempSync(join(tmpdir(), 'maildock-env-')), 'secret')
  writeFileSync(file, content)
  return file
}

describe('envBrokerUrl', () => {
  it('puts the password from AMQP_PASSWORD_FILE into a URL that has none', () => {
    const file = secretFile('p@ss/word\n')
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

  it('puts the password into every node of a list, and reads the list from AMQP_URL_FILE', () => {
    const env = {
      AMQP_URL_FILE: secretFile('amqp://api@broker-1:5672,amqp://api@broker-2:5672\n'),
      AMQP_PASSWORD: 'pw',
    }
    const urls = envBrokerUrl(env, 'amqp://x').split(',')
    expect(urls.map((url) => new URL(url).host)).toEqual(['broker-1:5672', 'broker-2:5672'])
    for (const url of urls) expect(new URL(url).password).toBe('pw')
  })
})

describe('env', () => {
  it('reads NAME_FILE when NAME is unset (a mounted secret), NAME first', () => {
    const file = secretFile('amqp://u:p@broker-1:5672\n')
    expect(envString({ AMQP_URL_FILE: file }, 'AMQP_URL', 'x')).toBe('amqp://u:p@broker-1:5672')
    expect(envString({ AMQP_URL: 'amqp://a', AMQP_URL_FILE: file }, 'AMQP_URL', 'x')).toBe(
      'amqp://a',
    )
    expect(envInt({ API_PORT_FILE: secretFile('3001\n') }, 'API_PORT', 3000)).toBe(3001)
    expect(envOptional({}, 'SMTP_PASSWORD')).toBeUndefined()
    expect(() => envOptional({ SMTP_PASSWORD_FILE: '/nope' }, 'SMTP_PASSWORD')).toThrow(
      /SMTP_PASSWORD_FILE: cannot read \/nope/,
    )
  })

  it('reads a secret from its file first, as MailDock mounts it', () => {
    const env = { SMTP_PASSWORD: 'plain', SMTP_PASSWORD_FILE: secretFile('from-file\n') }
    expect(envSecret(env, 'SMTP_PASSWORD')).toBe('from-file')
    expect(envSecret({ SMTP_PASSWORD: 'plain' }, 'SMTP_PASSWORD')).toBe('plain')
  })

  it('parses a list of broker URLs and the queue type', () => {
    expect(parseAmqpUrls('amqp://a:5672, amqp://b:5672,')).toEqual([
      'amqp://a:5672',
      'amqp://b:5672',
    ])
    expect(() => parseAmqpUrls('http://x')).toThrow(/not an amqp/)
    expect(() => parseAmqpUrls(' , ')).toThrow(/empty/)
    expect(envQueueType({ AMQP_QUEUE_TYPE: 'quorum' })).toBe('quorum')
    expect(envQueueType({})).toBe('classic')
    expect(() => envQueueType({ AMQP_QUEUE_TYPE: 'stream' })).toThrow(/classic, quorum/)
  })
})
