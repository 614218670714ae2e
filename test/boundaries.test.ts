import { cruise } from 'dependency-cruiser'
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options'
import { describe, expect, it } from 'vitest'

// The boundary rule (.dependency-cruiser.cjs, run by `npm run lint`) applied to a fixture tree
// that holds one allowed and two deliberately wrong imports.
describe('the boundary rule', () => {
  it('reports the wrong imports of the fixture and passes the allowed one', async () => {
    const options = await extractDepcruiseOptions('./.dependency-cruiser.cjs')
    const result = await cruise(['test/boundaries/fixture'], {
      ...options,
      exclude: { path: 'node_modules' },
      validate: true,
    })
    if (typeof result.output === 'string') throw new Error('expected a cruise result')
    const found = result.output.summary.violations.map((v) => ({
      rule: v.rule.name,
      from: v.from.replace('test/boundaries/fixture/', ''),
      to: v.to.replace('test/boundaries/fixture/', ''),
    }))
    expect(found).toEqual(
      expect.arrayContaining([
        {
          rule: 'main-domain-public-face',
          from: 'electron/main/logs/into-the-internals.ts',
          to: 'electron/main/docker/batcher.ts',
        },
        {
          rule: 'renderer-ui-imports-no-feature',
          from: 'renderer/src/ui/list-states.ts',
          to: 'renderer/src/features/engine/engine-status.ts',
        },
      ]),
    )
    expect(found).toHaveLength(2)
    expect(found.some((v) => v.from.endsWith('through-the-face.ts'))).toBe(false)
  })
})
