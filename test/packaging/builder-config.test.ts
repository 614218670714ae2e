// electron-builder.yml: the fuses each installer's Electron binary gets, each with its reason;
// what is packed; where updates are published.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'

const text = readFileSync(join(import.meta.dirname, '..', '..', 'electron-builder.yml'), 'utf8')
const config = parse(text) as Record<string, unknown>

describe('electron-builder.yml', () => {
  it('sets the fuses that close the installed app to code injection', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
  })

  it('says why for each fuse', () => {
    const lines = text.split('\n')
    for (const fuse of Object.keys(config.electronFuses as object)) {
      const at = lines.findIndex((line) => line.trim().startsWith(`${fuse}:`))
      expect(lines[at - 1]?.trim(), fuse).toMatch(/^# .{20,}/)
    }
  })

  it('bundles the stack services before every pack and ships only their Dockerfiles and bundles', () => {
    expect(config.beforePack).toBe('./scripts/before-pack.mjs')
    expect(config.extraResources).toEqual([
      {
        from: 'resources/stack',
        to: 'stack',
        filter: [
          '{api,emailer,logger}/Dockerfile',
          '{api,emailer,logger}/dist/index.js',
          '{api,emailer,logger}/dist/package.json',
        ],
      },
    ])
  })

  it('publishes to GitHub releases, where the installed app looks for updates', () => {
    expect(config.publish).toEqual(
      expect.objectContaining({
        provider: 'github',
        owner: expect.any(String),
        repo: expect.any(String),
      }),
    )
  })
})
