import { createTheme, darken, type CSSVariablesResolver } from '@mantine/core'

/**
 * Colours chosen for WCAG AA contrast: filled buttons and badges use shade 8 and pick black or white
 * text by luminance (white on Mantine's default green 6 is 2.4:1).
 */
export const theme = createTheme({
  primaryColor: 'indigo',
  primaryShade: { light: 8, dark: 8 },
  autoContrast: true,
  luminanceThreshold: 0.25,
  fontFamilyMonospace: 'ui-monospace, SFMono-Regular, Menlo, Consolas, monospace',
  defaultRadius: 'sm',
})

/**
 * Mantine's dimmed text (gray 6 on white, 3.3:1; dark 2 on dark 7, 4.0:1) and its light-variant
 * text in the light scheme (green 9 on green 1, 3.8:1) fail AA for small text: one step stronger.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7],
    ...Object.fromEntries(
      Object.entries(t.colors).map(([name, shades]) => [
        `--mantine-color-${name}-light-color`,
        darken(shades[9], 0.35),
      ]),
    ),
  },
  dark: { '--mantine-color-dimmed': t.colors.dark[1] },
})
