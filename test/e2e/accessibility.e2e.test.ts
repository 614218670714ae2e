// Accessibility in Chromium: on one real running stack with an email sent (so Emails, Mailbox and
// Logs hold data), axe-core finds no serious or critical violation on any panel, light or dark.
// The counts per panel are printed; MAILDOCK_SCREENSHOTS=<dir> also saves a screenshot of each.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { Browser, Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackResult, StackStatus } from '../../shared/contract'
import {
  postEmail,
  publishedUrl,
  removeStack,
  stackEnv,
  uniqueStackName,
  waitForMessage,
} from '../support/stack'
import { blocking, runAxe, type AxeViolation } from './axe'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

const docker = new Docker()
const stack = uniqueStackName('mda11y')
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-e2e-a11y-'))
const env = { ...stackEnv(stack), MAILDOCK_DATA_DIR: dataDir }
const shots = process.env.MAILDOCK_SCREENSHOTS
const subject = `axe check ${stack}`
const builtImages: string[] = []
let app: RunningApp
let browser: Browser
let page: Page
let errors: string[]
let status: StackStatus

function maildock(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['bin/maildock.js', ...args],
      { env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) =>
        error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
    )
  })
}

/** The panels in sidebar order, read from the page (the renderer is not this test's to import). */
async function sidebarPanels(): Promise<string[]> {
  const links = await page.getByRole('navigation', { name: 'Panels' }).getByRole('link').all()
  const hrefs = await Promise.all(links.map((link) => link.getAttribute('href')))
  return hrefs.flatMap((href) => (href?.startsWith('#/') ? [href.slice(2)] : []))
}

beforeAll(async () => {
  await removeStack(docker, stack)
  const up = JSON.parse(await maildock('up', '--json')) as StackResult
  builtImages.push(...up.changes.builtImages)
  status = JSON.parse(await maildock('status', '--json')) as StackStatus
  app = await startApp(env)
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser, app.url))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await removeStack(docker, stack)
  for (const image of builtImages)
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined)
  rmSync(dataDir, { recursive: true, force: true })
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

/** Opens a panel (a same-document navigation: axe stays loaded) and waits for its data. */
async function openPanel(panel: string): Promise<void> {
  await page.goto(`${app.origin}/#/${panel}`)
  await page.getByRole('heading', { level: 2 }).first().waitFor()
  await dataOf[panel]?.().waitFor({ timeout: 30_000 })
  await expect.poll(() => page.getByText(/^Loading/).count(), { timeout: 30_000 }).toBe(0)
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
    const panels = await sidebarPanels()
    expect(panels.length).toBeGreaterThan(10)
    const rows: string[] = []
    let total = 0
    for (const panel of panels) {
      await openPanel(panel)
      const counts: string[] = []
      for (const scheme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: scheme })
        await expect
          .poll(() => page.locator('html').getAttribute('data-mantine-color-scheme'))
          .toBe(scheme)
        if (shots) await page.screenshot({ path: join(shots, `a11y-${scheme}-${panel}.png`) })
        const found = blocking(await runAxe(page))
        const count = found.reduce((sum, v) => sum + v.nodes.length, 0)
        total += count
        counts.push(`${scheme} ${count}${found.map(describeFinding).join('')}`)
      }
      rows.push(`${panel.padEnd(12)}${counts.join('   ')}`)
    }
    console.log(`axe serious+critical per panel:\n${rows.join('\n')}`)
    expect(total).toBe(0)
    expect(errors).toEqual([])
  }, 240_000)
})
