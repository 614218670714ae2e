import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { envValue, escapeDollars, exportCompose } from './compose'
import { CREDENTIALS, definitionWith, IMAGES } from '../../../test/support/stack-fixtures'
import { toYaml } from './yaml'

interface ComposeService {
  image: string
  build?: { context: string; args: Record<string, string> }
  environment: Record<string, string>
  ports?: string[]
  volumes?: string[]
  healthcheck: { test?: string[]; interval: string; retries: number }
  depends_on?: string[]
  deploy: { replicas: number }
}
interface ComposeFile {
  version: string
  services: Record<string, ComposeService>
  volumes: Record<string, unknown>
}

const images = new Map([...IMAGES].map(([k, v]) => [k as never, v]))

function exported(includeSecrets = false, change?: Parameters<typeof definitionWith>[0]) {
  const definition = definitionWith(change, { ...CREDENTIALS, smtpPassword: 'pa$$word' })
  const result = exportCompose(definition, {
    images,
    stackDir: '/opt/maildock/stack',
    includeSecrets,
  })
  return { result, file: parse(result.compose) as ComposeFile }
}

describe('toYaml', () => {
  it('writes maps, lists and quoted scalars that a YAML parser reads back', () => {
    const value = {
      a: 'x: y # not a comment',
      list: ['one', { k: 1, nested: [true, null] }],
      empty: {},
      none: [],
      'weird key': 'multi\nline "quoted"',
    }
    expect(parse(toYaml(value, ['header']))).toEqual(value)
  })
})

describe('exportCompose', () => {
  it('has every service with its image, replicas, healthcheck and ports on 127.0.0.1', () => {
    const { file } = exported(false, (s) => (s.emailerReplicas = 3))
    expect(file.version).toBe('3.8')
    expect(Object.keys(file.services)).toEqual(['broker', 'api', 'emailer', 'logger', 'catcher'])
    expect(file.services.api?.image).toBe('maildock/api:aaa')
    expect(file.services.api?.build).toEqual({
      context: '/opt/maildock/stack/api',
      args: { BASE_IMAGE: 'node:22-bookworm-slim' },
    })
    expect(file.services.emailer?.deploy.replicas).toBe(3)
    expect(file.services.api?.ports).toEqual(['127.0.0.1:5001:3000'])
    expect(file.services.broker?.ports).toEqual(['127.0.0.1:5672:5672', '127.0.0.1:15672:15672'])
    expect(file.services.catcher?.ports).toEqual(['127.0.0.1:8025:8025'])
    expect(file.services.broker?.healthcheck.test?.[0]).toBe('CMD')
    expect(file.services.catcher?.healthcheck.test).toBeUndefined()
    expect(file.services.emailer?.volumes).toEqual(['emailer-ledger:/data'])
    expect(file.services.broker?.volumes).toEqual(['broker-data:/var/lib/rabbitmq'])
    expect(Object.keys(file.volumes)).toEqual(['broker-data', 'logger-data', 'emailer-ledger'])
    expect(file.services.api?.depends_on).toEqual(['broker'])
  })

  it('lets the engine pick a port set to 0', () => {
    const { file } = exported(false, (s) => (s.ports.api = 0))
    expect(file.services.api?.ports).toEqual(['127.0.0.1::3000'])
  })

  it('keeps the broker password out of the compose file, as a required variable', () => {
    const { result, file } = exported()
    expect(result.compose).not.toContain(CREDENTIALS.brokerPassword)
    expect(file.services.broker?.environment.RABBITMQ_DEFAULT_PASS).toMatch(
      /^\$\{MAILDOCK_BROKER_PASSWORD:\?/,
    )
    expect(file.services.api?.environment.AMQP_URL).toMatch(
      /^amqp:\/\/maildock:\$\{MAILDOCK_BROKER_PASSWORD:\?[^}]*\}@broker:5672$/,
    )
    expect(result.env).toContain('MAILDOCK_BROKER_PASSWORD=\n')
    expect(result.variables.map((v) => v.name)).toEqual(['MAILDOCK_BROKER_PASSWORD'])
  })

  it('writes secrets into the env file only when asked', () => {
    const { result } = exported(true)
    expect(result.env).toContain(`MAILDOCK_BROKER_PASSWORD='${CREDENTIALS.brokerPassword}'\n`)
    expect(result.compose).not.toContain(CREDENTIALS.brokerPassword)
  })

  it('escapes dollars so compose does not substitute them', () => {
    expect(escapeDollars('a$b$$c')).toBe('a$$b$$$$c')
    const { file } = exported(false, (s) => {
      s.smtp = { host: 'smtp.example.com', port: 587, user: 'ann$team', tls: 'starttls' }
    })
    expect(file.services.emailer?.environment.SMTP_USER).toBe('ann$$team')
  })

  it('exports a relay and its password variable instead of the catcher', () => {
    const { result, file } = exported(false, (s) => {
      s.smtp = { host: 'smtp.example.com', port: 465, user: 'me', tls: 'tls' }
    })
    expect(file.services.catcher).toBeUndefined()
    expect(file.services.emailer?.environment).toMatchObject({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '465',
      SMTP_SECURE: 'true',
    })
    expect(file.services.emailer?.environment.SMTP_PASSWORD).toMatch(/^\$\{MAILDOCK_SMTP_PASS:\?/)
    expect(result.compose).not.toContain('pa$$word')
  })

  it('quotes .env values so that no value can add a line or a variable', () => {
    const hostile = "it's\nMAILDOCK_BROKER_PASSWORD=owned\r\n# x"
    const definition = definitionWith(
      (s) => {
        s.smtp = { host: 'smtp.example.com', port: 587, user: 'me', tls: 'starttls' }
      },
      { ...CREDENTIALS, smtpPassword: hostile },
    )
    const { env } = exportCompose(definition, { images, stackDir: null, includeSecrets: true })
    const assignments = env.split('\n').filter((line) => line !== '' && !line.startsWith('#'))
    expect(assignments.map((line) => line.split('=')[0])).toEqual([
      'MAILDOCK_BROKER_PASSWORD',
      'MAILDOCK_SMTP_PASS',
    ])
    expect(env).toContain(`MAILDOCK_SMTP_PASS="it's\\nMAILDOCK_BROKER_PASSWORD=owned\\r\\n# x"`)
    expect(envValue('pa$$ w#rd')).toBe("'pa$$ w#rd'")
  })

  it('leaves an empty SMTP password out instead of replacing every empty string', () => {
    const definition = definitionWith(
      (s) => {
        s.smtp = { host: 'smtp.example.com', port: 587, user: 'me', tls: 'starttls' }
      },
      { ...CREDENTIALS, smtpPassword: '' },
    )
    const result = exportCompose(definition, { images, stackDir: null, includeSecrets: false })
    const file = parse(result.compose) as ComposeFile
    expect(file.services.emailer?.environment.SMTP_HOST).toBe('smtp.example.com')
    expect(result.compose).not.toContain('${MAILDOCK_SMTP_PASS}S')
  })

  it('warns when the service images are not built yet', () => {
    const definition = definitionWith()
    const partial = new Map([...images].filter(([k]) => k === 'broker' || k === 'catcher'))
    const result = exportCompose(definition, {
      images: partial,
      stackDir: null,
      includeSecrets: false,
    })
    const file = parse(result.compose) as ComposeFile
    expect(file.services.api?.image).toBe('maildock/api:export')
    expect(result.warnings.join(' ')).toContain('api, emailer, logger')
  })
})
