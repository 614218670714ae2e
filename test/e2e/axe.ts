import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Page } from 'playwright-core'

const axeSource = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
)

export interface AxeViolation {
  id: string
  impact: string | null
  help: string
  nodes: Array<{ target: string[]; failureSummary?: string }>
}

/**
 * Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is. The script is evaluated through
 * the DevTools protocol, which the page's CSP does not govern, so the CSP stays as users get it;
 * it is loaded once per document.
 */
export async function runAxe(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(axeSource)
  // Colours are judged at rest: a label still fading in (a SegmentedControl's) is not a finding.
  // Endless animations (spinners) are left running.
  await page.evaluate(async () => {
    interface Running {
      finished: Promise<unknown>
      effect: { getComputedTiming(): { endTime?: number | string } } | null
    }
    const { document } = globalThis as unknown as { document: { getAnimations(): Running[] } }
    const ending = document
      .getAnimations()
      .filter((a) => Number.isFinite(Number(a.effect?.getComputedTiming().endTime)))
    await Promise.all(ending.map((a) => a.finished.catch(() => undefined)))
  })
  return page.evaluate(async () => {
    // Runs in the page; this file is type-checked without the DOM library, hence globalThis.
    const { axe } = globalThis as unknown as {
      axe: { run: (context: string, options: object) => Promise<{ violations: AxeViolation[] }> }
    }
    const result = await axe.run('html', {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    })
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }))
  })
}

/**
 * Emulates the colour scheme and waits until the app shows it: Mantine follows the media query on
 * its change event, so right after emulateMedia the page may still be in the other scheme, and
 * axe would judge colours mid-switch.
 */
export async function showColorScheme(page: Page, scheme: 'light' | 'dark'): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme })
  await page.waitForFunction((wanted) => {
    const { document } = globalThis as unknown as {
      document: { documentElement: { getAttribute(name: string): string | null } }
    }
    return document.documentElement.getAttribute('data-mantine-color-scheme') === wanted
  }, scheme)
}

/** Serious and critical violations: the ones that block a user. */
export const blocking = (violations: AxeViolation[]): AxeViolation[] =>
  violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
