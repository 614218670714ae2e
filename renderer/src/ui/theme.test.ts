import { describe, expect, it } from 'vitest'
import { mergeMantineTheme, DEFAULT_THEME } from '@mantine/core'
import { contrastRatio, cssVariablesResolver, readableOn, theme } from './theme'

const full = mergeMantineTheme(DEFAULT_THEME, theme)
const resolved = cssVariablesResolver(full)

describe('theme contrast', () => {
  it('moves a colour until it reads at AA on the background, darker on light, lighter on dark', () => {
    const green = full.colors.green[8]
    expect(contrastRatio(green, '#ffffff')).toBeLessThan(4.5)
    expect(contrastRatio(readableOn(green, '#ffffff'), '#ffffff')).toBeGreaterThanOrEqual(4.5)
    const indigo = full.colors.indigo[4]
    const surface = full.colors.dark[5]
    expect(contrastRatio(indigo, surface)).toBeLessThan(4.5)
    expect(contrastRatio(readableOn(indigo, surface), surface)).toBeGreaterThanOrEqual(4.5)
  })

  it('gives every palette colour text that reads at AA in both schemes', () => {
    for (const name of Object.keys(full.colors)) {
      const light = resolved.light[`--mantine-color-${name}-text`] ?? ''
      const dark = resolved.dark[`--mantine-color-${name}-text`] ?? ''
      expect(contrastRatio(light, full.colors.gray[1]), name).toBeGreaterThanOrEqual(4.5)
      expect(contrastRatio(dark, full.colors.dark[4]), name).toBeGreaterThanOrEqual(4.5)
    }
    expect(contrastRatio(resolved.light['--mantine-color-error'] ?? '', '#ffffff')).toBeGreaterThan(
      4.5,
    )
    expect(
      contrastRatio(resolved.dark['--mantine-color-anchor'] ?? '', full.colors.dark[5]),
    ).toBeGreaterThan(4.5)
  })
})
