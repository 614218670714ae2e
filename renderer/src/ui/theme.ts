import {
  createTheme,
  darken,
  Drawer,
  lighten,
  luminance,
  Modal,
  Notification,
  type CSSVariablesResolver,
  type MantineTheme,
} from '@mantine/core'

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
  components: {
    // A modal's or drawer's close button is an icon: it needs a name (axe: button-name).
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    Drawer: Drawer.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close' } } }),
    // The same for a notification's; its description is Mantine's gray 6 (3.3:1), not dimmed.
    Notification: Notification.extend({
      defaultProps: { closeButtonProps: { 'aria-label': 'Dismiss notification' } },
      styles: { description: { color: 'var(--mantine-color-dimmed)' } },
    }),
  },
})

/** WCAG contrast ratio of two colours. */
export function contrastRatio(a: string, b: string): number {
  const [high = 0, low = 0] = [luminance(a), luminance(b)].sort((x, y) => y - x)
  return (high + 0.05) / (low + 0.05)
}

/**
 * `color` darkened on a light background or lightened on a dark one, in small steps, until it
 * reaches `target` (AA for small text is 4.5; a little more leaves room for hover and tinted rows).
 */
export function readableOn(color: string, background: string, target = 4.7): string {
  const shift = luminance(background) > 0.18 ? darken : lighten
  let result = color
  for (let step = 1; step <= 20 && contrastRatio(result, background) < target; step += 1)
    result = shift(color, step * 0.05)
  return result
}

/** Each palette colour's `variables`, made readable on `background` from `shade`. */
function readableVariables(
  t: MantineTheme,
  variables: readonly string[],
  shade: number,
  background: string,
) {
  return Object.fromEntries(
    Object.entries(t.colors).flatMap(([name, shades]) => {
      const color = readableOn(shades[shade] ?? shades[6], background)
      return variables.map((variable) => [`--mantine-color-${name}-${variable}`, color])
    }),
  )
}

/**
 * Mantine's dimmed text (gray 6 on white, 3.3:1; dark 2 on dark 7, 4.0:1), its light-variant text
 * in the light scheme (green 9 on green 1, 3.8:1), its error text (red 6 on white, 3.3:1; red 8 on
 * dark 7, 3.7:1), coloured text (green 8 on white, 3.4:1) and dark-scheme links and outline badges
 * on raised surfaces (indigo 4 on dark 5, 3.8:1) fail AA for small text: each is made readable on
 * the lightest (darkest) surface it is drawn on.
 */
export const cssVariablesResolver: CSSVariablesResolver = (t) => ({
  variables: {},
  light: {
    '--mantine-color-dimmed': t.colors.gray[7],
    '--mantine-color-error': readableOn(t.colors.red[7], t.colors.gray[1]),
    // Links are also drawn on selected table rows (the primary light colour, indigo 1).
    '--mantine-color-anchor': readableOn(t.colors.indigo[8], t.colors.indigo[1]),
    ...readableVariables(t, ['text'], 8, t.colors.gray[1]),
    ...Object.fromEntries(
      Object.entries(t.colors).map(([name, shades]) => [
        `--mantine-color-${name}-light-color`,
        darken(shades[9], 0.35),
      ]),
    ),
  },
  dark: {
    '--mantine-color-dimmed': t.colors.dark[1],
    '--mantine-color-error': readableOn(t.colors.red[5], t.colors.dark[5]),
    '--mantine-color-anchor': readableOn(t.colors.indigo[4], t.colors.dark[5]),
    ...readableVariables(t, ['text', 'outline'], 4, t.colors.dark[4]),
  },
})
