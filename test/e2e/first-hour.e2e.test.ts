// A new user's first hour in browser mode (Chromium): with no stack the first screen leads to
// Start, panel shortcuts work while a text field has focus, Ctrl+K opens the palette; then, on the
// real running stack with emails sent, axe-core finds no serious or critical violation on any
// panel, light or dark.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackResult, StackStatus } from '../../shared/contract'
import { postEmail, publishedUrl, removeStack, stackEnv, uniqueStackName } from '../support/stack'
import { blocking, runAxe } from './axe'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

const docker = new Docker()
const stack = uniqueStackName()
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-e2e-first-'))
const env = { ...stackEnv(stack), MAILDOCK_DATA_DIR: dataDir }
const builtImages: string[] = []
let app: RunningApp
let browser: Browser
let page: Page
let errors: string[]

const hash = (): string => new URL(page.url()).hash

/** The panels in sidebar order, read from the page (the renderer is not this test's to import). */
async function sidebarPanels(): Promise<string[]> {
  const links = await page.getByRole('navigation', { name: 'Panels' }).getByRole('link').all()
  const hrefs = await Promise.all(links.map((link) => link.getAttribute('href')))
  return hrefs.flatMap((href) => (href?.startsWith('#/') ? [href.slice(2)] : []))
}

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

beforeAll(async () => {
  await removeStack(docker, stack)
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

describe('the first hour', () => {
  it('leads to Start when there is no stack, and Send says how to start it', async () => {
    await expect.poll(() => hash(), { timeout: 30_000 }).toBe('#/stack')
    await expect
      .poll(() => page.getByRole('button', { name: 'Start the stack' }).isVisible())
      .toBe(true)
    await page.goto(`${app.origin}/#/send`)
    await expect.poll(() => page.getByTestId('stack-banner').isVisible()).toBe(true)
    expect(await page.getByTestId('stack-banner').textContent()).toContain('not been created')
  })

  it('switches panels with Ctrl+digit from a text field, and opens the palette with Ctrl+K', async () => {
    const panels = await sidebarPanels()
    expect(panels.length).toBeGreaterThan(10)
    const to = page.getByRole('textbox').first()
    await to.focus()
    await page.keyboard.press('Control+Digit2')
    await expect.poll(() => hash()).toBe(`#/${panels[1]}`)
    await page.keyboard.press('Control+Shift+Digit1')
    await expect.poll(() => hash()).toBe(`#/${panels[10]}`)
    await page.keyboard.press('Control+KeyK')
    const palette = page.getByRole('dialog', { name: 'Go to a panel or run an action' })
    await expect.poll(() => palette.isVisible()).toBe(true)
    const search = palette.getByPlaceholder('Type a panel or an action…')
    await search.fill('Volumes')
    await search.press('Enter')
    await expect.poll(() => hash()).toBe('#/volumes')
    await expect.poll(() => palette.isVisible()).toBe(false)
    expect(errors).toEqual([])
  })

  it('passes axe on every panel, light and dark, on the running stack', async () => {
    const up = JSON.parse(await maildock('up', '--json')) as StackResult
    builtImages.push(...up.changes.builtImages)
    const status = JSON.parse(await maildock('status', '--json')) as StackStatus
    const apiUrl = publishedUrl(status, 'api', 3000)
    for (let i = 0; i < 3; i += 1) await postEmail(apiUrl, `axe check ${i}`)
    await page.goto(`${app.origin}/#/send`)
    await expect.poll(() => page.getByTestId('stack-banner').count(), { timeout: 60_000 }).toBe(0)

    const report: string[] = []
    let total = 0
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      for (const panel of await sidebarPanels()) {
        await page.goto(`${app.origin}/#/${panel}`)
        await page.getByRole('heading', { level: 2 }).first().waitFor()
        await page.waitForLoadState('networkidle').catch(() => undefined)
        const found = blocking(await runAxe(page))
        total += found.length
        report.push(
          `${scheme.padEnd(5)} ${panel.padEnd(10)} ${found.length} serious/critical` +
            found
              .map(
                (v) => ` [${v.impact} ${v.id} x${v.nodes.length}: ${v.nodes[0]?.target.join(' ')}]`,
              )
              .join(''),
        )
      }
    }
    console.log(`axe per panel:\n${report.join('\n')}`)
    expect(total).toBe(0)
    expect(errors).toEqual([])
  }, 480_000)
})
