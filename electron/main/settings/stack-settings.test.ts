import { mkdtemp, readFile, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import { DEFAULT_STACK_SETTINGS } from './setting-fields'
import { StackSettingsStore } from './stack-settings'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maildock-settings-'))
})

const sourceOf = (fields: Array<{ path: string; source: string }>, path: string) =>
  fields.find((f) => f.path === path)?.source

describe('StackSettingsStore', () => {
  it('gives the defaults when nothing is set', async () => {
    const loaded = await new StackSettingsStore(dir, {}).load()
    expect(loaded.settings).toEqual(DEFAULT_STACK_SETTINGS)
    expect(loaded.settings.ports).toEqual({
      api: 5001,
      broker: 5672,
      brokerUi: 15672,
      catcherUi: 8025,
    })
    expect(loaded.fields.every((f) => f.source === 'default')).toBe(true)
    expect(loaded.problems).toEqual([])
  })

  it('layers the settings file, then --config, then the environment', async () => {
    await writeFile(
      join(dir, 'stack-settings.json'),
      JSON.stringify({ ports: { api: 6001, broker: 6672 }, emailerReplicas: 2 }),
    )
    const config = join(dir, 'config.json')
    await writeFile(
      config,
      JSON.stringify({ ports: { api: 7001 }, images: { broker: 'my/rabbit:1' } }),
    )
    const env = {
      MAILDOCK_CONFIG: config,
      MAILDOCK_API_PORT: '8001',
      MAILDOCK_SMTP_HOST: 'smtp.example.com',
      MAILDOCK_SMTP_TLS: 'ssl',
      MAILDOCK_EMAILER_REPLICAS: '',
    }
    const loaded = await new StackSettingsStore(dir, env).load()
    expect(loaded.problems).toEqual([])
    expect(loaded.settings.ports).toMatchObject({ api: 8001, broker: 6672, brokerUi: 15672 })
    expect(loaded.settings.images.broker).toBe('my/rabbit:1')
    expect(loaded.settings.emailerReplicas).toBe(2)
    expect(loaded.settings.smtp).toMatchObject({ host: 'smtp.example.com', tls: 'tls' })
    expect(sourceOf(loaded.fields, 'ports.api')).toBe('env')
    expect(sourceOf(loaded.fields, 'images.broker')).toBe('config')
    expect(sourceOf(loaded.fields, 'ports.broker')).toBe('file')
    expect(sourceOf(loaded.fields, 'emailerReplicas')).toBe('file')
    expect(sourceOf(loaded.fields, 'ports.brokerUi')).toBe('default')
    expect(loaded.fields.find((f) => f.path === 'ports.api')?.env).toBe('MAILDOCK_API_PORT')
    expect(loaded.files.config).toBe(config)
  })

  it('names every bad value and where it came from, and refuses to act on them', async () => {
    const config = join(dir, 'bad.json')
    await writeFile(config, JSON.stringify({ ports: { api: 'x' }, colour: 'blue' }))
    const store = new StackSettingsStore(dir, {
      MAILDOCK_CONFIG: config,
      MAILDOCK_BROKER_PORT: '70000',
      MAILDOCK_SMTP_TLS: 'maybe',
    })
    const loaded = await store.load()
    expect(loaded.problems).toHaveLength(4)
    expect(loaded.problems.join('\n')).toMatch(
      /MAILDOCK_BROKER_PORT must be a whole number from 0 to 65535, got "70000"/,
    )
    expect(loaded.problems.join('\n')).toMatch(
      /MAILDOCK_SMTP_TLS must be auto, starttls, tls, off or insecure/,
    )
    expect(loaded.problems.join('\n')).toMatch(/unknown setting colour/)
    expect(loaded.problems.join('\n')).toMatch(/ports\.api/)
    expect(loaded.settings.ports.broker).toBe(5672)
    const error = await store.loadStrict().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MaildockError)
    expect((error as MaildockError).code).toBe('INVALID_INPUT')
  })

  it('reports a --config file that does not exist', async () => {
    const loaded = await new StackSettingsStore(dir, {
      MAILDOCK_CONFIG: join(dir, 'nope.json'),
    }).load()
    expect(loaded.problems[0]).toMatch(/config file .*nope\.json: not found/)
  })

  it('merges what the form saves into the settings file', async () => {
    const store = new StackSettingsStore(dir, {})
    await store.update({ ports: { api: 5101 } })
    const loaded = await store.update({ ports: { catcherUi: 8125 }, smtp: { host: 'relay' } })
    expect(loaded.settings.ports).toMatchObject({ api: 5101, catcherUi: 8125, broker: 5672 })
    expect(loaded.settings.smtp.host).toBe('relay')
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({
      ports: { api: 5101, catcherUi: 8125 },
      smtp: { host: 'relay' },
    })
  })

  it('rejects an invalid patch without writing it', async () => {
    const store = new StackSettingsStore(dir, {})
    await expect(store.update({ emailerReplicas: 99 })).rejects.toThrow()
    expect((await store.load()).settings.emailerReplicas).toBe(1)
  })
})
