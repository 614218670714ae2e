// A new user's first hour in browser mode (Chromium): with no stack the first screen leads to
// Start, panel shortcuts work while a text field has focus, Ctrl+K opens the palette; once the
// stack runs, a minute of idling leaves no trace of MailDock's own health checks in the Tail or
// in the services' logs, and a JSON line reads message first, without scrolling.
import { spawnSync } from 'node:child_process'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackStatus } from '../../shared/contract'
import { postEmail, publishedUrl } from '../support/stack'
import { docker } from './docker-cli'
import { e2eStack, sidebarPanels } from './e2e-stack'
import { launchBrowser, openPage, startApp, switchOn, type RunningApp } from './harness'

const fixture = e2eStack('mdfirst')
let app: RunningApp
let browser: Browser
let page: Page
let errors: string[]

const hash = (): string => new URL(page.url()).hash

/** What a health check leaves behind when it logs: RabbitMQ's connection lines, HTTP request lines. */
const HEALTH_TRACES = [
  'unexpectedly closed',
  'closing AMQP connection',
  '/health',
  'incoming request',
]
const IDLE_MS = 60_000

/**
 * Each stack container's own log lines since `since` (unix seconds, to the millisecond: a whole
 * second would take in the last lines of the start), as `docker logs` reads them.
 */
function containerLogsSince(since: number): Map<string, string[]> {
  const names = docker('ps', '--filter', `name=^${fixture.name}-`, '--format', '{{.Names}}')
  const logs = new Map<string, string[]>()
  for (const name of names.split('\n').filter(Boolean)) {
    const read = spawnSync('docker', ['logs', '--since', since.toFixed(3), name], {
      encoding: 'utf8',
    })
    logs.set(name, `${read.stdout}\n${read.stderr}`.split('\n').filter(Boolean))
  }
  return logs
}

const now = (): number => Date.now() / 1000

/** Lines the stack logged in the last `seconds`: the start is over once they are none. */
const recentLines = (seconds: number): number =>
  [...containerLogsSince(now() - seconds).values()].flat().length

async function tailMatches(text: string): Promise<number> {
  await page.getByLabel('Search lines').fill(text)
  await expect
    .poll(
      () =>
        page
          .getByTestId('tail-empty')
          .textContent()
          .catch(() => ''),
      { timeout: 10_000 },
    )
    .toContain('No lines match')
  return page.getByTestId('tail-line').count()
}

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

/** The Erlang process a RabbitMQ log line is from: `<0.890.0>`. */
const erlangProcess = (line: string): string => /<\d+\.\d+\.\d+>/.exec(line)?.[0] ?? line

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

  it('idles a minute with no health-check line in the Tail or the logs; JSON reads msg first', async () => {
    await fixture.up()
    // The app's own connection to the broker is logged once, when it connects: not in the window.
    await page.goto(`${app.origin}/#/send`)
    await expect
      .poll(() => page.getByTestId('broker-badge').textContent(), { timeout: 60_000 })
      .toContain('Broker connected')
    await page.goto(`${app.origin}/#/tail`)
    await expect
      .poll(() => page.getByTestId('tail-line').count(), { timeout: 60_000 })
      .toBeGreaterThan(0)
    // Services connect and the CLI catches up while `up` ends: the window opens after that.
    await expect
      .poll(() => recentLines(3), {
        timeout: 60_000,
        interval: 1_000,
        message: 'the stack never stayed 3 s without a log line',
      })
      .toBe(0)
    const since = now()
    await page.waitForTimeout(IDLE_MS)

    const logs = containerLogsSince(since)
    console.log(
      `first-hour: lines logged in ${IDLE_MS / 1000} s idle: ${[...logs].map(([name, lines]) => `${name} ${lines.length}`).join(', ')}`,
    )
    expect([...logs.keys()].some((name) => name.includes('-broker-'))).toBe(true)
    const traces = [...logs.values()]
      .flat()
      .filter((line) => HEALTH_TRACES.some((trace) => line.includes(trace)))
    expect(traces, traces.join('\n')).toEqual([])
    const brokerLines = [...logs]
      .filter(([name]) => name.includes('-broker-'))
      .flatMap(([, l]) => l)
    // The app reconnects when its connection drops (seen once under load): its lines, named by
    // the connection's Erlang process, are not health-check noise.
    const appConnections = new Set(
      brokerLines.filter((line) => line.includes('maildock-app@')).map(erlangProcess),
    )
    const others = brokerLines.filter((line) => !appConnections.has(erlangProcess(line)))
    const connections = others.filter((line) => /connection/i.test(line))
    expect(connections, connections.join('\n')).toEqual([])
    await switchOn(page, 'Only matches')
    for (const trace of HEALTH_TRACES) expect(await tailMatches(trace)).toBe(0)

    const status = JSON.parse(await fixture.cli('status', '--json')) as StackStatus
    const id = await postEmail(publishedUrl(status, 'api', 3000), 'first hour')
    await page.getByLabel('Search lines').fill(id)
    const accepted = page.getByTestId('tail-line').filter({ hasText: 'email accepted' })
    await accepted.first().waitFor({ timeout: 30_000 })
    const text = (await accepted.first().textContent()) ?? ''
    expect(text.indexOf('email accepted')).toBeLessThan(text.indexOf(`emailId=${id}`))
    const list = page.getByTestId('tail-list')
    const fits = await list.evaluate((pane) => pane.scrollWidth <= pane.clientWidth + 1)
    expect(fits).toBe(true)
    const message = accepted.first().getByText('email accepted')
    const [row, pane] = await Promise.all([message.boundingBox(), list.boundingBox()])
    expect(row!.x + row!.width).toBeLessThanOrEqual(pane!.x + pane!.width)
    expect(errors).toEqual([])
  }, 480_000)
})
