import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { channels, events } from '../shared/contract'

// A channel that no panel or CLI command uses does not exist: it would only serve whoever holds
// the browser-mode token or runs script in the renderer.

const root = join(import.meta.dirname, '..')

function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.tsx?$/.test(entry.name))
    .filter((entry) => !/\.test\.tsx?$|fixtures\.ts$/.test(entry.name))
    .map((entry) => readFileSync(join(entry.parentPath, entry.name), 'utf8'))
}

describe('the contract surface', () => {
  it('has only channels and events that a panel or a CLI command uses', () => {
    const code = [...sources('renderer/src'), ...sources('electron/main/cli')].join('\n')
    const unused = [...Object.keys(channels), ...Object.keys(events)].filter(
      (name) => !code.includes(`'${name}'`),
    )
    expect(unused).toEqual([])
  })
})
