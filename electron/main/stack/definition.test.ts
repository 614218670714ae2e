import { describe, expect, it } from 'vitest'
import { configHash, containerOptions, stableStringify } from './container-spec'
import { dependencyOrder, type StackDefinition } from './definition'
import { CREDENTIALS, definitionWith, image } from '../../../test/support/stack-fixtures'

const hashes = (definition: StackDefinition, images = image): Record<string, string> =>
  Object.fromEntries(
    definition.services.map((spec) => [
      spec.service,
      configHash(definition, spec, images(spec.service)),
    ]),
  )

function changedServices(a: Record<string, string>, b: Record<string, string>): string[] {
  return Object.keys({ ...a, ...b })
    .filter((service) => a[service] !== b[service])
    .sort()
}

describe('stack definition', () => {
  it('has the five services, one network and the broker, logger and emailer volumes', () => {
    const definition = definitionWith()
    expect(definition.services.map((s) => s.service)).toEqual([
      'broker',
      'api',
      'emailer',
      'logger',
      'catcher',
    ])
    expect(definition.network).toBe('maildock-net')
    expect(definition.volumes.map((v) => v.name)).toEqual([
      'maildock-broker-data-classic',
      'maildock-logger-data',
      'maildock-emailer-ledger',
    ])
  })

  it("keeps the broker's data in a volume of its queue type", () => {
    const definition = definitionWith()
    const broker = definition.services.find((s) => s.service === 'broker')!
    const mounts = containerOptions(definition, broker, 1, image('broker')).HostConfig?.Mounts
    expect(mounts).toEqual([
      { Type: 'volume', Source: 'maildock-broker-data-classic', Target: '/var/lib/rabbitmq' },
    ])
    const quorum = definitionWith((s) => {
      s.queueType = 'quorum'
    })
    expect(quorum.volumes[0]?.name).toBe('maildock-broker-data-quorum')
  })

  it('binds every published port to 127.0.0.1 with the default host ports', () => {
    const definition = definitionWith()
    const bindings = definition.services.flatMap((spec) =>
      Object.entries(
        (containerOptions(definition, spec, 1, image(spec.service)).HostConfig?.PortBindings ??
          {}) as Record<string, Array<{ HostIp: string; HostPort: string }>>,
      ),
    )
    expect(
      Object.fromEntries(bindings.map(([key, [b]]) => [key, `${b?.HostIp}:${b?.HostPort}`])),
    ).toEqual({
      '5672/tcp': '127.0.0.1:5672',
      '15672/tcp': '127.0.0.1:15672',
      '3000/tcp': '127.0.0.1:5001',
      '8025/tcp': '127.0.0.1:8025',
    })
  })

  it('gives each service its own broker user, its password as a file, never in the container', () => {
    const definition = definitionWith()
    const spec = (service: string) => definition.services.find((s) => s.service === service)!
    const passwords = [CREDENTIALS.brokerPassword, ...Object.values(CREDENTIALS.servicePasswords)]
    for (const service of ['api', 'emailer', 'logger'] as const) {
      const options = containerOptions(definition, spec(service), 1, image(service))
      expect(options.Env).toContain(`AMQP_URL=amqp://${service}@broker:5672`)
      expect(options.Env).toContain('AMQP_PASSWORD_FILE=/run/secrets/amqp-password')
      for (const password of passwords) expect(JSON.stringify(options)).not.toContain(password)
      expect(spec(service).files).toEqual([
        {
          path: '/run/secrets/amqp-password',
          content: CREDENTIALS.servicePasswords[service],
          mode: 0o400,
          uid: 1000,
          gid: 1000,
        },
      ])
    }
    const broker = spec('broker')
    const brokerOptions = containerOptions(definition, broker, 1, image('broker'))
    for (const password of passwords) expect(JSON.stringify(brokerOptions)).not.toContain(password)
    const definitions = broker.files.find((f) => f.path.endsWith('maildock-definitions.json'))!
    for (const password of passwords) expect(definitions.content).not.toContain(password)
    const parsed = JSON.parse(definitions.content) as { users: Array<{ name: string }> }
    expect(parsed.users.map((u) => u.name)).toEqual(['maildock', 'api', 'emailer', 'logger'])
    // An exported compose file has no files: the administrator's password as a variable.
    expect(broker.composeEnv).toMatchObject({
      RABBITMQ_DEFAULT_USER: 'maildock',
      RABBITMQ_DEFAULT_PASS: CREDENTIALS.brokerPassword,
    })
    expect(JSON.stringify(definition)).not.toContain('guest"')
  })

  it('sends to the catcher by default and to a relay (without the catcher) when one is set', () => {
    const catcher = definitionWith()
    expect(catcher.services.find((s) => s.service === 'emailer')?.env).toMatchObject({
      SMTP_HOST: 'catcher',
      SMTP_PORT: '1025',
    })
    const relay = definitionWith(
      (s) => {
        s.smtp = { host: 'smtp.example.com', port: null, user: 'me', tls: 'starttls' }
      },
      { ...CREDENTIALS, smtpPassword: 'p$ss' },
    )
    expect(relay.services.map((s) => s.service)).not.toContain('catcher')
    const emailer = relay.services.find((s) => s.service === 'emailer')
    expect(emailer?.env).toMatchObject({
      SMTP_HOST: 'smtp.example.com',
      SMTP_PORT: '587',
      SMTP_REQUIRE_TLS: 'true',
      SMTP_USER: 'me',
    })
    expect(emailer?.env.SMTP_PASSWORD).toBeUndefined()
    expect(emailer?.managedEnv.SMTP_PASSWORD_FILE).toBe('/run/secrets/smtp-password')
    expect(emailer?.composeEnv.SMTP_PASSWORD).toBe('p$ss')
    expect(emailer?.files.map((f) => [f.path, f.content])).toContainEqual([
      '/run/secrets/smtp-password',
      'p$ss',
    ])
    expect(emailer?.dependsOn.map((d) => d.service)).toEqual(['broker'])
    expect(relay.secrets.map((s) => s.variable)).toEqual([
      'MAILDOCK_BROKER_PASSWORD',
      'MAILDOCK_SMTP_PASS',
    ])
  })

  it('orders services after what they depend on', () => {
    const order = dependencyOrder(definitionWith().services).map((s) => s.service)
    expect(order.indexOf('broker')).toBeLessThan(order.indexOf('api'))
    expect(order.indexOf('catcher')).toBeLessThan(order.indexOf('emailer'))
  })
})

describe('config hash', () => {
  it('is stable for the same configuration and ignores key order', () => {
    expect(stableStringify({ b: 1, a: [2, { d: 1, c: 2 }] })).toBe(
      stableStringify({ a: [2, { c: 2, d: 1 }], b: 1 }),
    )
    expect(hashes(definitionWith())).toEqual(hashes(definitionWith()))
  })

  it('changes only for the services a setting reaches', () => {
    const before = hashes(definitionWith())
    expect(changedServices(before, hashes(definitionWith((s) => (s.ports.api = 5002))))).toEqual([
      'api',
    ])
    expect(
      changedServices(before, hashes(definitionWith((s) => (s.ports.catcherUi = 9025)))),
    ).toEqual(['catcher'])
    expect(changedServices(before, hashes(definitionWith((s) => (s.emailerReplicas = 3))))).toEqual(
      [],
    )
    expect(
      changedServices(
        before,
        hashes(definitionWith(undefined, { ...CREDENTIALS, brokerPassword: 'other' })),
      ),
    ).toEqual(['broker'])
    const servicePasswords = { ...CREDENTIALS.servicePasswords, logger: 'other' }
    expect(
      changedServices(
        before,
        hashes(definitionWith(undefined, { ...CREDENTIALS, servicePasswords })),
      ),
    ).toEqual(['broker', 'logger'])
  })

  it('changes when the image behind a tag changes', () => {
    const definition = definitionWith()
    const spec = definition.services[0]!
    const a = configHash(definition, spec, { ref: 'rabbitmq:3-management', id: 'sha256:one' })
    const b = configHash(definition, spec, { ref: 'rabbitmq:3-management', id: 'sha256:two' })
    expect(a).not.toBe(b)
  })

  it('is the same for every replica of a service', () => {
    const definition = definitionWith((s) => (s.emailerReplicas = 3))
    const emailer = definition.services.find((s) => s.service === 'emailer')!
    const one = containerOptions(definition, emailer, 1, image('emailer'))
    const three = containerOptions(definition, emailer, 3, image('emailer'))
    expect(one.name).toBe('maildock-emailer-1')
    expect(three.name).toBe('maildock-emailer-3')
    expect(configHash(definition, emailer, image('emailer'))).toMatch(/^[0-9a-f]{16}$/)
  })
})
