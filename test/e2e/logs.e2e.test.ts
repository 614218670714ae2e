// The Tail and Logs panels against the real stack (`maildock up` from the built CLI, then the app
// in browser mode on the same data dir): the logger's lines reach the Tail live while
// emails are sent, pausing and resuming loses no line, and the Logs panel finds an email by a
// word of its subject and opens its timeline.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackStatus } from '../../shared/contract'
import { postEmail, publishedUrl } from '../support/stack'
import { e2eStack } from './e2e-stack'
import { launchBrowser, openPage, startApp, switchOn, type RunningApp } from './harness'

const fixture = e2eStack('mdlogs')
const env = fixture.env
const run = Date.now().toString(36)
let apiUrl = ''
let app: RunningApp
let browser: Browser
let page: Page
let errors: string[]

beforeAll(async () => {
  await fixture.up()
  const status = JSON.parse(await fixture.cli('status', '--json')) as StackStatus
  apiUrl = publishedUrl(status, 'api', 3000)
  app = await startApp(env)
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser, app.url))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await fixture.cleanup()
})

/** Bars drawn on the Logs histogram: runs of pixel columns holding the bars' blue. */
function drawnBars(): Promise<number> {
  // The e2e files compile without the DOM types: the little of a canvas that is read, by shape.
  type Canvas = {
    width: number
    height: number
    getContext(kind: '2d'): {
      getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray }
    } | null
  }
  return page.locator('[data-testid="logs-histogram"] canvas').evaluate((element) => {
    const canvas = element as unknown as Canvas
    const { width, height } = canvas
    const context = canvas.getContext('2d')
    if (!context || width === 0) return 0
    const pixels = context.getImageData(0, 0, width, height).data
    let bars = 0
    let inBar = false
    for (let x = 0; x < width; x += 1) {
      let blue = false
      for (let y = 0; y < height && !blue; y += 1) {
        const at = (y * width + x) * 4
        const [r, b] = [pixels[at]!, pixels[at + 2]!]
        blue = b > 150 && b - r > 80
      }
      if (blue && !inBar) bars += 1
      inBar = blue
    }
    return bars
  })
}

/** Texts of the Tail rows on screen. */
const tailTexts = (): Promise<string[]> => page.getByTestId('tail-line').allTextContents()

async function showOnlyMatches(text: string): Promise<void> {
  await page.getByLabel('Search lines').fill(text)
  await switchOn(page, 'Only matches')
}

describe('Tail and Logs panels on the running stack', () => {
  it("shows the logger's line of each email live, as it is sent", async () => {
    await page.goto(`${app.origin}/#/tail`)
    await expect
      .poll(() => tailTexts().then((t) => t.length), { timeout: 60_000 })
      .toBeGreaterThan(0)
    await showOnlyMatches(`live-${run}`)
    const latencies: number[] = []
    for (let i = 0; i < 8; i += 1) {
      const subject = `live-${run}-${i}`
      const sent = Date.now()
      const id = await postEmail(apiUrl, subject)
      await expect
        .poll(async () => (await tailTexts()).some((t) => t.includes('logger') && t.includes(id)), {
          timeout: 30_000,
          interval: 20,
        })
        .toBe(true)
      latencies.push(Date.now() - sent)
      await page.waitForTimeout(200)
    }
    latencies.sort((a, b) => a - b)
    console.log(`tail: logger line on screen after ${latencies.join(', ')} ms (POST to DOM)`)
    expect(latencies).toHaveLength(8)
    expect(errors).toEqual([])
  })

  it('pauses, counts what arrives, and loses no line on resume', async () => {
    await showOnlyMatches(`pause-${run}`)
    await page.getByRole('button', { name: 'Pause' }).click()
    expect(await page.getByTestId('tail-state').textContent()).toBe('paused')
    const subjects = Array.from({ length: 5 }, (_, i) => `pause-${run}-${i}`)
    const ids: string[] = []
    for (const subject of subjects) ids.push(await postEmail(apiUrl, subject))
    const newLines = page.getByTestId('tail-new-lines')
    await expect
      .poll(() => newLines.textContent(), { timeout: 15_000 })
      .toMatch(/[1-9]\d* new lines/)
    // Nothing of it is on screen while paused.
    expect((await tailTexts()).filter((t) => t.includes(`pause-${run}`))).toEqual([])
    // Let the rest of the emails' lines arrive, then resume.
    await page.waitForTimeout(2_000)
    await newLines.click()
    expect(await page.getByTestId('tail-state').textContent()).toBe('following')
    await expect
      .poll(
        async () => {
          const texts = await tailTexts()
          return ids.every((id) => texts.some((t) => t.includes('logger') && t.includes(id)))
        },
        { timeout: 15_000 },
      )
      .toBe(true)
    const texts = await tailTexts()
    expect(new Set(texts).size).toBe(texts.length)
    expect(errors).toEqual([])
  })

  it('finds an email by a word of its subject and opens its timeline', async () => {
    const word = `zebra${run}`
    const id = await postEmail(apiUrl, `Quarterly ${word} report`)
    await page.goto(`${app.origin}/#/logs`)
    await expect
      .poll(
        async () => {
          await page.getByTestId('logs-search').fill(word)
          await page.getByTestId('logs-search').press('Enter')
          await page.waitForTimeout(500)
          return page.getByTestId('logs-row').count()
        },
        { timeout: 30_000 },
      )
      .toBeGreaterThan(0)
    const row = page.getByTestId('logs-row').first()
    expect(await row.textContent()).toContain(id)
    // The drawer follows the email until it is sent.
    await row.click()
    await expect
      .poll(() => page.getByTestId('log-email-status').textContent(), { timeout: 45_000 })
      .toBe('sent')
    const steps = await page.getByTestId('log-timeline-step').allTextContents()
    expect(steps.some((s) => s.startsWith('request'))).toBe(true)
    expect(steps.some((s) => s.startsWith('sent'))).toBe(true)
    expect(await page.getByTestId('log-email').textContent()).toContain('someone@example.com')
    expect(errors).toEqual([])
  })

  it('draws the histogram at every range, shows one count, and marks what was searched', async () => {
    const word = `okapi${run}`
    for (let i = 0; i < 3; i += 1) await postEmail(apiUrl, `Count ${word} ${i}`)
    await page.goto(`${app.origin}/#/logs`)
    await page.reload()
    const count = page.getByTestId('panel-count')
    for (const range of ['15 min', '1 hour', '24 hours', '7 days']) {
      await page.getByRole('radiogroup', { name: 'Time range' }).getByText(range).click()
      await expect.poll(drawnBars, { timeout: 15_000 }).toBeGreaterThan(0)
      console.log(`logs histogram at ${range}: ${await drawnBars()} bars drawn`)
    }
    // Search the word until the logger has stored all three emails (each reaches several lines).
    const search = page.getByTestId('logs-search')
    let matches = 0
    await expect
      .poll(
        async () => {
          await search.fill(word)
          await search.press('Enter')
          await page.getByText('End of the results').waitFor({ timeout: 10_000 })
          const rows = Number(await page.getByRole('grid').getAttribute('aria-rowcount')) - 1
          matches = Number(/^([\d,]+) entr/.exec((await count.textContent()) ?? '')?.[1])
          return rows === matches && (await page.getByTestId('logs-row').count()) >= 6 ? rows : 0
        },
        { timeout: 45_000, interval: 1_000 },
      )
      .toBeGreaterThanOrEqual(6)
    // One count on the panel: no other figure of entries beside it.
    const body = (await page.locator('main').textContent()) ?? ''
    expect(body.match(/[\d,]+\+? entr(?:y|ies)/g)).toEqual([`${matches} entries`])
    const marks = await page.getByTestId('logs-row').first().locator('mark').allTextContents()
    expect(marks.length).toBeGreaterThan(0)
    expect(marks.every((mark) => mark.toLowerCase() === word)).toBe(true)
    expect(errors).toEqual([])
  })
})
