// A packaged app never bundles and never runs a program found outside its own install.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeEach, describe, expect, it } from 'vitest'
import { bundle, checkoutBundler, locateStackDir, staleBundles } from './sources'

let root: string

/** A `tsx` that leaves a mark when run: whoever runs it shows up in `ran`. */
function plantTsx(folder: string): string {
  const bin = join(folder, 'node_modules', '.bin')
  mkdirSync(bin, { recursive: true })
  const tsx = join(bin, 'tsx')
  writeFileSync(tsx, `#!/bin/sh\ntouch "${join(root, 'ran')}"\n`)
  chmodSync(tsx, 0o755)
  return tsx
}

/** resources/stack as an installer ships it: Dockerfiles and bundles, no sources, no build.ts. */
function shippedStack(under: string, services = ['api', 'emailer', 'logger']): string {
  const stackDir = join(under, 'resources', 'stack')
  for (const service of services) {
    mkdirSync(join(stackDir, service, 'dist'), { recursive: true })
    writeFileSync(join(stackDir, service, 'Dockerfile'), 'FROM scratch\n')
    writeFileSync(join(stackDir, service, 'dist', 'index.js'), '// bundle\n')
  }
  return stackDir
}

const ran = (): boolean => existsSync(join(root, 'ran'))

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'maildock-sources-'))
})

describe('a packaged app', () => {
  it('never looks for tsx above its install, even with one planted there', async () => {
    // An AppImage is mounted under /tmp: any local user can write /tmp/node_modules/.bin/tsx.
    plantTsx(root)
    const stackDir = shippedStack(join(root, '.mount_MailDock'))
    expect(checkoutBundler(stackDir, { packaged: true })).toBeNull()
    expect(checkoutBundler(stackDir, { packaged: false })).toBeNull()
    await expect(bundle(stackDir, ['api'], { packaged: false })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('reinstall MailDock') as string,
    })
    expect(ran()).toBe(false)
  })

  it('refuses to bundle even when its stack folder looks like a checkout', async () => {
    const stackDir = shippedStack(root)
    writeFileSync(join(stackDir, 'build.ts'), '')
    writeFileSync(join(root, 'package.json'), '{}')
    plantTsx(root)
    await expect(bundle(stackDir, ['emailer'], { packaged: true })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
    expect(ran()).toBe(false)
  })

  it('reports a missing bundle as stale and uses a shipped one as it is', async () => {
    const stackDir = shippedStack(root, ['api', 'emailer'])
    mkdirSync(join(stackDir, 'api', 'src'), { recursive: true })
    writeFileSync(join(stackDir, 'api', 'src', 'index.ts'), '')
    utimesSync(join(stackDir, 'api', 'dist', 'index.js'), new Date(0), new Date(0))
    expect(await staleBundles(stackDir, ['api', 'emailer', 'logger'], { packaged: true })).toEqual([
      'logger',
    ])
  })

  it('uses exactly the stack folder it is given, never one found elsewhere', () => {
    // The cwd (this checkout) has a resources/stack; a given folder that is missing still wins.
    expect(locateStackDir()).not.toBeNull()
    expect(locateStackDir(join(root, 'missing'))).toBeNull()
    const shipped = shippedStack(root)
    expect(locateStackDir(shipped)).toBe(shipped)
  })
})

describe('a source checkout', () => {
  it('bundles with the tsx in its own node_modules', async () => {
    const stackDir = shippedStack(root)
    writeFileSync(join(stackDir, 'build.ts'), '')
    writeFileSync(join(root, 'package.json'), '{}')
    const tsx = plantTsx(root)
    expect(checkoutBundler(stackDir, { packaged: false })).toBe(tsx)
    await bundle(stackDir, ['api'], { packaged: false })
    expect(ran()).toBe(true)
  })

  it('finds bundles older than their sources stale', async () => {
    const stackDir = shippedStack(root, ['api'])
    writeFileSync(join(stackDir, 'build.ts'), '')
    writeFileSync(join(root, 'package.json'), '{}')
    plantTsx(root)
    mkdirSync(join(stackDir, 'api', 'src'), { recursive: true })
    writeFileSync(join(stackDir, 'api', 'src', 'index.ts'), '')
    utimesSync(join(stackDir, 'api', 'dist', 'index.js'), new Date(0), new Date(0))
    expect(await staleBundles(stackDir, ['api'], { packaged: false })).toEqual(['api'])
    expect(await staleBundles(stackDir, ['api'], { packaged: true })).toEqual([])
  })
})
