import { mkdtemp, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const state = { available: true, backend: 'gnome_libsecret' }

vi.mock('electron', () => ({
  safeStorage: {
    isEncryptionAvailable: () => state.available,
    getSelectedStorageBackend: () => state.backend,
    // A stand-in cipher: reversible, and visibly not the plain text.
    encryptString: (text: string) => Buffer.from(`sealed:${[...text].reverse().join('')}`),
    decryptString: (data: Buffer) =>
      [...data.toString().replace(/^sealed:/, '')].reverse().join(''),
  },
}))

const { createAppSecretStore, SafeStorageSecretStore } = await import('./secrets')

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'maildock-app-secrets-'))
  state.available = true
  state.backend = 'gnome_libsecret'
})

describe('app secret store', () => {
  it('keeps secrets encrypted by safeStorage, never in plain text on disk', async () => {
    const store = createAppSecretStore(dir)
    expect(store).toBeInstanceOf(SafeStorageSecretStore)
    expect(store.info).toMatchObject({ kind: 'os-encryption', encrypted: true })
    await store.set('broker-password/maildock', 'hunter2-very-secret')
    expect(await store.get('broker-password/maildock')).toBe('hunter2-very-secret')
    const onDisk = await readFile(join(dir, 'secrets.enc.json'), 'utf8')
    expect(onDisk).not.toContain('hunter2-very-secret')
    await store.delete('broker-password/maildock')
    expect(await store.get('broker-password/maildock')).toBeUndefined()
  })

  it('falls back to a 0600 file, and says so, when there is no keychain', () => {
    state.backend = 'basic_text'
    const store = createAppSecretStore(dir)
    expect(store.info).toMatchObject({ kind: 'file', encrypted: false })
    expect(store.info.note).toMatch(/No system keychain.*unencrypted.*0600/)
    state.available = false
    state.backend = 'unknown'
    expect(createAppSecretStore(dir).info.kind).toBe('file')
  })
})
