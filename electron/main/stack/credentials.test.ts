import { describe, expect, it } from 'vitest'
import { MemorySecretStore } from '../settings'
import { brokerSecretName, loadCredentials, serviceSecretName } from './credentials'

const none = () => Promise.resolve(null)

describe('broker credentials', () => {
  it('generates an administrator and one password per service once, then reads them back', async () => {
    const secrets = new MemorySecretStore()
    const first = await loadCredentials(secrets, 'mds', {}, none)
    expect(first.stored).toBe('generated')
    const { brokerPassword, servicePasswords } = first.credentials
    const all = [brokerPassword, ...Object.values(servicePasswords)]
    expect(new Set(all).size).toBe(4)
    for (const password of all) expect(password).toMatch(/^[A-Za-z0-9]{32}$/)
    const again = await loadCredentials(secrets, 'mds', {}, none)
    expect(again).toEqual({ credentials: first.credentials, stored: null })
  })

  it('adopts every password of a running stack written by another MailDock', async () => {
    const running = { admin: 'A'.repeat(32), services: { api: 'a', emailer: 'e', logger: 'l' } }
    const secrets = new MemorySecretStore()
    const result = await loadCredentials(secrets, 'mds', {}, () => Promise.resolve(running))
    expect(result.stored).toBe('adopted')
    expect(result.credentials.brokerPassword).toBe(running.admin)
    expect(result.credentials.servicePasswords).toEqual(running.services)
    expect(await secrets.get(serviceSecretName('mds', 'logger'))).toBe('l')
  })

  it('upgrades a stack from before service users: keeps the admin password, adds the others', async () => {
    const secrets = new MemorySecretStore()
    await secrets.set(brokerSecretName('mds'), 'old-admin')
    // A broker created with the password in its environment: only the admin is known.
    const result = await loadCredentials(secrets, 'mds', {}, () =>
      Promise.resolve({ admin: 'old-admin', services: {} }),
    )
    expect(result.credentials.brokerPassword).toBe('old-admin')
    expect(Object.values(result.credentials.servicePasswords)).toHaveLength(3)
    expect(await secrets.get(serviceSecretName('mds', 'api'))).toBe(
      result.credentials.servicePasswords.api,
    )
    // Another stack's passwords are never mixed with this store's administrator.
    const other = new MemorySecretStore()
    await other.set(brokerSecretName('mds'), 'mine')
    const mixed = await loadCredentials(other, 'mds', {}, () =>
      Promise.resolve({ admin: 'theirs', services: { api: 'x', emailer: 'y', logger: 'z' } }),
    )
    expect(mixed.stored).toBe('generated')
    expect(mixed.credentials.servicePasswords.api).not.toBe('x')
  })
})
