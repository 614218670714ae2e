import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isProtectedPath, resolveBuildContext } from './build-context'

const work = mkdtempSync(join(tmpdir(), 'maildock-context-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const refusal = (path: string, kind: 'folder' | 'archive' = 'folder') =>
  resolveBuildContext(kind, path).then(
    () => 'accepted',
    (error: Error & { code?: string }) => `${error.code}: ${error.message.replace(path, 'PATH')}`,
  )

describe('build contexts', () => {
  it('accepts a project folder and a tar archive', async () => {
    mkdirSync(join(work, 'app'))
    writeFileSync(join(work, 'app.tar.gz'), '')
    await expect(resolveBuildContext('folder', join(work, 'app'))).resolves.toBe(join(work, 'app'))
    await expect(resolveBuildContext('archive', join(work, 'app.tar.gz'))).resolves.toBe(
      join(work, 'app.tar.gz'),
    )
  })

  it('refuses the root, the home folder, system and hidden folders, and links to them', async () => {
    mkdirSync(join(work, '.ssh'))
    symlinkSync('/', join(work, 'root-link'))
    for (const path of ['/', homedir(), '/etc', join(work, '.ssh'), join(work, 'root-link')])
      expect(await refusal(path)).toMatch(/^INVALID_INPUT: Cannot build from PATH/)
    expect(await refusal('/etc/shadow', 'archive')).toMatch(/^INVALID_INPUT/)
    expect(await refusal(join(work, 'app'), 'archive')).toMatch(/^INVALID_INPUT/)
    expect(isProtectedPath('/home/ann/.aws/x', '/home/ann')).toBe(true)
    expect(isProtectedPath('/home/ann/src/app', '/home/ann')).toBe(false)
  })

  it('answers the same for a missing path as for a protected one', async () => {
    const missing = await refusal(join(work, 'nothing-here'))
    expect(missing).toBe(await refusal('/'))
    expect(await refusal('relative/path')).toBe(missing)
  })
})
