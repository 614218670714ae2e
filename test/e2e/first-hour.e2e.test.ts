// A new user's first hour in browser mode (Chromium): with no stack the first screen leads to
// Start, panel shortcuts work while a text field has focus, Ctrl+K opens the palette.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { e2eStack, sidebarPanels } from './e2e-stack'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

const fixture = e2eStack('mdfirst')
let app: RunningApp
let browser: Browser
let page: Page
let errors: string[]

const hash = (): string => new URL(page.url()).hash

beforeAll(async () => {
  app = await startApp(fixture.env)
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser, app.url))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await fixture.cleanup()
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
    const panels = await sidebarPanels(page)
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
})
