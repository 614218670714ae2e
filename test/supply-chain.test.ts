// Supply chain (issue #11): npm runs no install script nobody reviewed, and the stack's default
// images are pinned to maintained versions.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_STACK_SETTINGS } from '../electron/main/settings/setting-fields'

const root = join(import.meta.dirname, '..')
const read = (file: string) => readFileSync(join(root, file), 'utf8')

interface LockPackage {
  hasInstallScript?: boolean
}

describe('install scripts', () => {
  const pkg = JSON.parse(read('package.json')) as { allowScripts?: Record<string, boolean> }
  const lock = JSON.parse(read('package-lock.json')) as { packages: Record<string, LockPackage> }
  const withScripts = [
    ...new Set(
      Object.entries(lock.packages)
        .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
        .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)),
    ),
  ].sort()

  it('lists every package with an install script in allowScripts, the unneeded ones as false', () => {
    expect(withScripts.length).toBeGreaterThan(0)
    expect(withScripts.filter((name) => pkg.allowScripts?.[name] === undefined)).toEqual([])
    for (const name of ['ssh2', 'cpu-features', 'protobufjs', 'es5-ext', 'electron-winstaller']) {
      expect(pkg.allowScripts?.[name], name).toBe(false)
    }
  })

  it('makes npm enforce the list (.npmrc strict-allow-scripts)', () => {
    expect(read('.npmrc')).toMatch(/^strict-allow-scripts\s*=\s*true$/m)
  })
})

describe('default images', () => {
  it.each(Object.entries(DEFAULT_STACK_SETTINGS.images))('pins %s to a version', (_key, ref) => {
    const tag = /:([^/:@]+)$/.exec(ref)?.[1]
    expect(tag, ref).toBeDefined()
    expect(tag).not.toBe('latest')
    expect(tag).toMatch(/\d/)
  })

  it('uses a maintained Node (22 LTS) for the service images, in the Dockerfiles too', () => {
    expect(DEFAULT_STACK_SETTINGS.images.node).toBe('node:22-bookworm-slim')
    for (const service of ['api', 'emailer', 'logger', 'catcher']) {
      expect(read(`resources/stack/${service}/Dockerfile`)).toMatch(
        /^ARG BASE_IMAGE=node:22-bookworm-slim$/m,
      )
    }
    expect(DEFAULT_STACK_SETTINGS.images.broker).not.toMatch(/^rabbitmq:3/)
  })
})
