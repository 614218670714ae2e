import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { writePrivateFileSync } from '../lib/private-files'

/** The engine address the user chose in Settings, kept as JSON so it survives restarts. */
export class EndpointSetting {
  constructor(readonly file: string) {}

  static inDataDir(dataDir: string): EndpointSetting {
    return new EndpointSetting(join(dataDir, 'engine-endpoint.json'))
  }

  /** The chosen address, or null for automatic discovery (also when the file is unreadable). */
  read(): string | null {
    try {
      const parsed = JSON.parse(readFileSync(this.file, 'utf8')) as { address?: unknown }
      return typeof parsed.address === 'string' && parsed.address ? parsed.address : null
    } catch {
      return null
    }
  }

  write(address: string | null): void {
    if (address === null) {
      rmSync(this.file, { force: true })
      return
    }
    writePrivateFileSync(this.file, `${JSON.stringify({ address }, null, 2)}\n`)
  }
}
