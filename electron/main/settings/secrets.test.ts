import { mkdtemp, readFile, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { FileSecretStore, MemorySecretStore } from './secrets'

describe('FileSecretStore', () => {
  it('keeps secrets in a file only the user can read, and says so', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'maildock-secrets-')), 'data')
    const store = FileSecretStore.inDataDir(dir)
    expect(await store.get('a')).toBeUndefined()
    await store.set('a', 'one')
    await store.set('b', 'two')
    expect(await store.get('a')).toBe('one')
    expect((await stat(store.file)).mode & 0o777).toBe(0o600)
    expect((await stat(dir)).mode & 0o777).toBe(0o700)
    expect(JSON.parse(await readFile(store.file, 'utf8'))).toEqual({
      version: 1,
      secrets: { a: 'one', b: 'two' },
    })
    await store.delete('a')
    expect(await new FileSecretStore(store.file).get('a')).toBeUndefined()
    expect(store.info).toMatchObject({ kind: 'file', encrypted: false, location: store.file })
    expect(store.info.note).toContain('0600')
  })
})

describe('MemorySecretStore', () => {
  it('forgets nothing while it lives', async () => {
    const store = new MemorySecretStore()
    await store.set('x', 'y')
    expect(await store.get('x')).toBe('y')
    await store.delete('x')
    expect(await store.get('x')).toBeUndefined()
  })
})
