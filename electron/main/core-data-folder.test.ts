// The data folder holds recipients, subjects, settings and secrets: 0700, its files 0600, whatever
// wrote them and whatever an older version left there (#11 point 10).
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { runCli } from '../../test/support/cli'
import { createCore, type Core } from './core'

const sender = { url: 'cli://maildock/', isMainFrame: true }
const folders: string[] = []
let core: Core | undefined

function freshFolder(): string {
  const parent = mkdtempSync(join(tmpdir(), 'maildock-modes-'))
  folders.push(parent)
  return join(parent, 'MailDock')
}

/** No engine to find: a socket that does not exist (nothing here needs Docker). */
function envFor(dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, MAILDOCK_DATA_DIR: dataDir, DOCKER_HOST: `unix://${dataDir}-no.sock` }
}

/** Mode bits of the folder and of everything in it, by relative name. */
function modes(dataDir: string): Record<string, string> {
  const found: Record<string, string> = { '.': (statSync(dataDir).mode & 0o777).toString(8) }
  for (const entry of readdirSync(dataDir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath, entry.name)
    found[path.slice(dataDir.length + 1)] = (statSync(path).mode & 0o777).toString(8)
  }
  return found
}

async function call(channel: string, input: unknown): Promise<unknown> {
  const envelope = await core!.router.call(channel, input, { sender })
  if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`)
  return envelope.result
}

afterEach(async () => {
  await core?.dispose()
  core = undefined
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true })
})

describe.skipIf(process.platform === 'win32')('the data folder', () => {
  it('is created 0700 and every file MailDock writes in it is 0600, the log database too', async () => {
    const dataDir = freshFolder()
    core = createCore({
      env: envFor(dataDir),
      isTrustedSender: () => true,
      subscribe: false,
    })
    await call('logs:search', {})
    await call('logs:set-retention', { maxAgeDays: 30, maxSizeMb: 64 })
    await call('stack:settings-set', { patch: { emailerReplicas: 2 }, smtpPassword: 'hunter2' })
    await call('mail:template-save', { name: 'Welcome', subject: 'Hi', text: 'Hello {{name}}' })
    await call('engine:set-endpoint', { address: `unix://${dataDir}-other.sock` })

    const found = modes(dataDir)
    // While the database is open its -wal and -shm exist: they hold recent entries too.
    expect(Object.keys(found).sort()).toEqual(
      expect.arrayContaining([
        'engine-endpoint.json',
        'logs.db',
        'logs.db-shm',
        'logs.db-wal',
        'mail-templates.json',
        'secrets.json',
        'stack-settings.json',
      ]),
    )
    const wanted = Object.keys(found).map((name) => {
      const folder = statSync(join(dataDir, name)).isDirectory()
      return [name, folder ? '700' : '600']
    })
    expect(found).toEqual(Object.fromEntries(wanted))
  })

  it('an older version left 0755 with 0644 files: the CLI tightens it on start', async () => {
    const dataDir = freshFolder()
    mkdirSync(join(dataDir, 'locks'), { recursive: true, mode: 0o755 })
    const left = ['stack-settings.json', 'logs.db', 'logs.db.corrupt-2026', 'locks/stack-old.lock']
    for (const name of left) writeFileSync(join(dataDir, name), '', { mode: 0o644 })
    // Not MailDock's: left as it is.
    writeFileSync(join(dataDir, 'notes.txt'), 'mine', { mode: 0o644 })
    chmodSync(dataDir, 0o755)

    const run = await runCli(envFor(dataDir), 'status', '--json')
    expect(run.stderr).not.toContain('Error:')

    expect(modes(dataDir)).toEqual({
      '.': '700',
      locks: '700',
      'locks/stack-old.lock': '600',
      'logs.db': '600',
      'logs.db.corrupt-2026': '600',
      'notes.txt': '644',
      'stack-settings.json': '600',
    })
  }, 60_000)
})
