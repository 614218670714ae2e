import { join } from 'node:path'
import { safeStorage } from 'electron'
import type { SecretStoreInfo } from '../../../shared/contract'
import { FileSecretStore, readSecretsFile, writeSecretsFile, type SecretStore } from '../settings'

/** Secrets encrypted by the OS (Keychain, DPAPI, libsecret/kwallet) through Electron's safeStorage. */
export class SafeStorageSecretStore implements SecretStore {
  readonly info: SecretStoreInfo

  constructor(readonly file: string) {
    this.info = {
      kind: 'os-encryption',
      location: file,
      encrypted: true,
      note: `Secrets are encrypted with your system's keychain and kept in ${file}.`,
    }
  }

  async get(name: string): Promise<string | undefined> {
    const sealed = (await readSecretsFile(this.file))[name]
    return sealed === undefined
      ? undefined
      : safeStorage.decryptString(Buffer.from(sealed, 'base64'))
  }

  async set(name: string, value: string): Promise<void> {
    const secrets = await readSecretsFile(this.file)
    secrets[name] = safeStorage.encryptString(value).toString('base64')
    await writeSecretsFile(this.file, secrets)
  }

  async delete(name: string): Promise<void> {
    const secrets = await readSecretsFile(this.file)
    if (!(name in secrets)) return
    delete secrets[name]
    await writeSecretsFile(this.file, secrets)
  }
}

/**
 * The store the desktop app uses (call after app ready): the OS keychain when there is one;
 * else (Linux without a keyring, where safeStorage would use a fixed key) a 0600 file that says so.
 */
export function createAppSecretStore(dataDir: string): SecretStore {
  const linuxWithoutKeyring =
    process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text'
  if (safeStorage.isEncryptionAvailable() && !linuxWithoutKeyring) {
    return new SafeStorageSecretStore(join(dataDir, 'secrets.enc.json'))
  }
  const file = join(dataDir, 'secrets.json')
  return new FileSecretStore(
    file,
    `No system keychain is available, so secrets are stored unencrypted in ${file}, readable only by you (mode 0600).`,
  )
}
