// Accessibility in Chromium: on one real running stack with an email delivered, one refused and one
// deferred by the catcher (so Emails, Mailbox and Logs hold data, and Tail warning and error rows),
// axe-core finds no serious or critical violation on any panel, light or dark, nor in what a panel
// opens (a picked row, an entry's drawer, a filter). The counts per view are printed;
// MAILDOCK_SCREENSHOTS=<dir> also saves a screenshot of each.
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackStatus } from '../../shared/contract'
import { postEmail, publishedUrl, waitForMessage } from '../support/stack'
import { blocking, runAxe, showColorScheme, type AxeViolation } from './axe'
import { e2eStack, sidebarPanels } from './e2e-stack'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

const fixture = e2eStack('mda11y')
const stack = fixture.name
const env = fixture.env
const shots = process.env.MAILDOCK_SCREENSHOTS
const subject = `axe check ${stack}`
let app: RunningApp
let browser: Browser
let page: Page
let errors: string[]
let status: StackStatus

beforeAll(async () => {
  await fixture.up()
  status = JSON.parse(await fixture.cli('status', '--json')) as StackStatus
  app = await startApp(env)
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser, app.url))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await fixture.cleanup()
})

const describeFinding = (v: AxeViolation): string =>
  ` [${v.impact} ${v.id} x${v.nodes.length}: ${v.nodes[0]?.target.join(' ')}]`

/** What shows that a panel holds the stack's real data (the email sent, its log lines, ports). */
const dataOf: Record<string, () => Locator> = {
  stack: () => page.getByTestId('stack-links'),
  containers: () => page.getByTestId(`group-${stack}`),
  emails: () => page.getByText(subject).first(),
  mailbox: () => page.getByText(subject).first(),
  tail: () => page.getByTestId('tail-line').first(),
  logs: () => page.getByTestId('logs-row').first(),
}

/** Sends an email the catcher answers with `reply` (RCPT TO), once the tail shows `logged`. */
async function sendRefused(reply: string, suffix: string, logged: string): Promise<void> {
  await fixture.cli('chaos', '--recipient', `${reply}:100`)
  await postEmail(publishedUrl(status, 'api', 3000), `${subject} ${suffix}`)
  await page.getByText(logged).first().waitFor({ timeout: 60_000 })
}

/** Waits until nothing on the page says it is loading. */
const settled = () =>
  expect.poll(() => page.getByText(/^Loading/).count(), { timeout: 30_000 }).toBe(0)

/** States reached from a panel and checked right after it: a pick, an open entry, a filter. */
const followUps: Record<string, Array<[string, () => Promise<void>]>> = {
  containers: [
    [
      'containers picked',
      () =>
        page
          .getByRole('checkbox', { name: /^Select (?!all)/ })
          .first()
          .check(),
    ],
  ],
  emails: [
    [
      'emails picked',
      async () => {
        await page.getByText(subject, { exact: true }).click()
        await settled()
      },
    ],
  ],
  tail: [
    [
      'tail warn+',
      async () => {
        await page.getByTestId('tail-level').click()
        await page.getByRole('option', { name: 'Warnings and errors' }).click()
        await page.getByText('email dead-lettered').first().waitFor()
      },
    ],
  ],
  logs: [
    [
      'logs entry',
      async () => {
        await page.getByTestId('logs-row').first().click()
        await page.getByTestId('log-raw').waitFor()
      },
    ],
  ],
}

/** Opens a panel (a same-document navigation: axe stays loaded) and waits for its data. */
async function openPanel(panel: string): Promise<void> {
  await page.goto(`${app.origin}/#/${panel}`)
  await page.getByRole('heading', { level: 2 }).first().waitFor()
  await dataOf[panel]?.().waitFor({ timeout: 30_000 })
  await settled()
}

describe('accessibility', () => {
  it('has no serious or critical axe violation on any panel, light or dark', async () => {
    // Sent once the app follows the broker, so the Emails panel tracks it too.
    await page.goto(`${app.origin}/#/send`)
    await expect
      .poll(() => page.getByTestId('broker-badge').textContent(), { timeout: 60_000 })
      .toContain('connected')
    await postEmail(publishedUrl(status, 'api', 3000), subject)
    await waitForMessage(publishedUrl(status, 'catcher', 8025), subject)
    await page.goto(`${app.origin}/#/tail`)
    await sendRefused('550', 'refused', 'email dead-lettered')
    await sendRefused('451', 'deferred', 'send failed, will retry')
    await fixture.cli('chaos', '--reset')
    const panels = await sidebarPanels(page)
    expect(panels.length).toBeGreaterThan(10)
    const views = panels.flatMap((panel): Array<[string, () => Promise<void>]> => [
      [panel, () => openPanel(panel)],
      ...(followUps[panel] ?? []),
    ])
    const rows: string[] = []
    const findings: string[] = []
    for (const [view, open] of views) {
      await open()
      const counts: string[] = []
      for (const scheme of ['light', 'dark'] as const) {
        await showColorScheme(page, scheme)
        const found = blocking(await runAxe(page))
        const file = `a11y-${scheme}-${view.replace(/\W+/g, '-')}.png`
        if (shots) await page.screenshot({ path: join(shots, file) })
        const count = found.reduce((sum, v) => sum + v.nodes.length, 0)
        const described = `${scheme} ${count}${found.map(describeFinding).join('')}`
        if (count > 0) findings.push(`${view} ${described}`)
        counts.push(described)
      }
      rows.push(`${view.padEnd(18)}${counts.join('   ')}`)
    }
    console.log(`axe serious+critical per panel:\n${rows.join('\n')}`)
    expect(findings).toEqual([])
    expect(errors).toEqual([])
  }, 240_000)
})
