import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EngineMonitor } from '../docker'
import { MemorySecretStore } from '../settings'
import { StackManager } from './manager'

async function manager(env: NodeJS.ProcessEnv = {}) {
  const dataDir = await mkdtemp(join(tmpdir(), 'maildock-manager-'))
  // Never probed: settings need no engine.
  const engine = new EngineMonitor({
    kind: 'socket',
    address: 'unix:///nonexistent.sock',
    source: 'test',
  })
  const secrets = new MemorySecretStore()
  return { stack: new StackManager({ engine, env, dataDir, secrets }), secrets, dataDir, engine }
}

describe('StackManager settings', () => {
  it('shows each value with its source and where secrets live', async () => {
    const { stack, engine } = await manager({ MAILDOCK_API_PORT: '6001' })
    const view = await stack.settingsView()
    expect(view.settings.ports.api).toBe(6001)
    expect(view.fields.find((f) => f.path === 'ports.api')).toEqual({
      path: 'ports.api',
      source: 'env',
      env: 'MAILDOCK_API_PORT',
    })
    expect(view.smtpPasswordSet).toBe(false)
    expect(view.secrets.kind).toBe('memory')
    engine.close()
  })

  it('keeps the SMTP password in the secret store, never in the settings file', async () => {
    const { stack, secrets, engine } = await manager()
    const view = await stack.updateSettings({
      patch: { smtp: { host: 'smtp.example.com', user: 'me' } },
      smtpPassword: 'relay-secret-1',
    })
    expect(view.smtpPasswordSet).toBe(true)
    expect(view.settings.smtp).toMatchObject({ host: 'smtp.example.com', user: 'me' })
    expect(await secrets.get('smtp-password')).toBe('relay-secret-1')
    expect(await readFile(view.files.settings, 'utf8')).not.toContain('relay-secret-1')
    const cleared = await stack.updateSettings({ patch: {}, smtpPassword: null })
    expect(cleared.smtpPasswordSet).toBe(false)
    engine.close()
  })

  it('refuses to start with bad settings and names them', async () => {
    const { stack, engine } = await manager({ MAILDOCK_EMAILER_REPLICAS: 'many' })
    await expect(stack.up()).rejects.toThrow(/MAILDOCK_EMAILER_REPLICAS must be a whole number/)
    expect(stack.lastOperation?.state).toBe('failed')
    engine.close()
  })
})
