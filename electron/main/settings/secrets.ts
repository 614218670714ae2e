import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { SecretStoreInfo } from '../../../shared/contract'
import { writePrivateFile } from '../lib/private-files'

/**
 * Where MailDock keeps what must not sit in plain text in its settings: the generated broker
 * password, the SMTP relay's password. The Electron shell passes one backed by the OS
 * (safeStorage); the CLI and browser mode fall back to a file only the user can read.
 */
export interface SecretStore {
  readonly info: SecretStoreInfo
  get(name: string): Promise<string | undefined>
  set(name: string, value: string): Promise<void>
  delete(name: string): Promise<void>
}

interface SecretsFile {
  version: 1
  secrets: Record<string, string>
}

/** Reads a `{version, secrets}` JSON file; a missing file is an empty store. */
export async function readSecretsFile(file: string): Promise<Record<string, string>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {}
    throw error
  }
  const parsed = JSON.parse(text) as Partial<SecretsFile>
  const secrets: Record<string, string> = {}
  for (const [name, value] of Object.entries(parsed.secrets ?? {})) {
    if (typeof value === 'string') secrets[name] = value
  }
  return secrets
}

/** Writes atomically with mode 0600 in a 0700 folder. */
export async function writeSecretsFile(
  file: string,
  secrets: Record<string, string>,
): Promise<void> {
  const body: SecretsFile = { version: 1, secrets }
  await writePrivateFile(file, `${JSON.stringify(body, null, 2)}\n`)
}

/** The fallback for the CLI and browser mode: plain JSON, readable by the user only (0600). */
export class FileSecretStore implements SecretStore {
  readonly info: SecretStoreInfo

  constructor(
    readonly file: string,
    note = `Secrets are stored unencrypted in ${file}, readable only by you (mode 0600). The desktop app encrypts them with the OS keychain instead.`,
  ) {
    this.info = { kind: 'file', location: file, encrypted: false, note }
  }

  static inDataDir(dataDir: string): FileSecretStore {
    return new FileSecretStore(join(dataDir, 'secrets.json'))
  }

  async get(name: string): Promise<string | undefined> {
    return (await readSecretsFile(this.file))[name]
  }

  async set(name: string, value: string): Promise<void> {
    const secrets = await readSecretsFile(this.file)
    secrets[name] = value
    await writeSecretsFile(this.file, secrets)
  }

  async delete(name: string): Promise<void> {
    const secrets = await readSecretsFile(this.file)
    if (!(name in secrets)) return
    delete secrets[name]
    await writeSecretsFile(this.file, secrets)
  }
}

/** For tests: nothing touches the disk. */
export class MemorySecretStore implements SecretStore {
  readonly info: SecretStoreInfo = {
    kind: 'memory',
    location: 'memory',
    encrypted: false,
    note: 'Secrets are kept in memory only and forgotten when MailDock exits.',
  }
  private readonly secrets = new Map<string, string>()

  get(name: string): Promise<string | undefined> {
    return Promise.resolve(this.secrets.get(name))
  }

  set(name: string, value: string): Promise<void> {
    this.secrets.set(name, value)
    return Promise.resolve()
  }

  delete(name: string): Promise<void> {
    this.secrets.delete(name)
    return Promise.resolve()
  }
}
