import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { tightenDataDir, writePrivateFile, writePrivateFileSync } from './private-files'

const folders: string[] = []
const mode = (path: string) => (statSync(path).mode & 0o777).toString(8)

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'maildock-private-'))
  folders.push(dir)
  return dir
}

afterEach(() => {
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('private files', () => {
  it('writes 0600 into a 0700 folder it creates, and tightens a 0644 file and a stale temporary file', async () => {
    const dir = join(folder(), 'MailDock')
    const file = join(dir, 'window-state.json')
    writePrivateFileSync(file, '{}')
    expect([mode(dir), mode(file)]).toEqual(['700', '600'])

    const settings = join(dir, 'stack-settings.json')
    writeFileSync(settings, 'old', { mode: 0o644 })
    writeFileSync(`${settings}.${process.pid}.tmp`, 'crashed', { mode: 0o644 })
    await writePrivateFile(settings, 'new')
    expect([mode(settings), readFileSync(settings, 'utf8')]).toEqual(['600', 'new'])
  })

  it("tightens MailDock's own files only and follows no symbolic link", () => {
    const outside = folder()
    const elsewhere = join(outside, 'elsewhere.json')
    writeFileSync(elsewhere, '{}', { mode: 0o644 })
    const dir = join(outside, 'data')
    mkdirSync(dir, { mode: 0o755 })
    writeFileSync(join(dir, 'logs.db-shm'), '', { mode: 0o644 })
    writeFileSync(join(dir, 'logs.db'), '', { mode: 0o444 })
    writeFileSync(join(dir, 'script.sh'), '', { mode: 0o755 })
    symlinkSync(elsewhere, join(dir, 'linked.json'))

    tightenDataDir(dir)
    expect([mode(dir), mode(join(dir, 'logs.db-shm'))]).toEqual(['700', '600'])
    // Read-only by the user's choice: stays so (only group and other lose their rights).
    expect(mode(join(dir, 'logs.db'))).toBe('400')
    expect([mode(join(dir, 'script.sh')), mode(elsewhere)]).toEqual(['755', '644'])
  })
})
