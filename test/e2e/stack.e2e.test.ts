// The one-click stack from the Stack panel, on the real engine with the local images: Start with the
// API's port taken fails with the reason and creates nothing; Retry once it is free follows the
// steps to every service healthy; then one service is stopped from the panel and reported stopped.
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { blocking, runAxe, showColorScheme } from './axe'
import { docker } from './docker-cli'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

const root = join(import.meta.dirname, '../..')
const stackName = `mde2e-${randomBytes(3).toString('hex')}`
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-e2e-stack-'))
const shots = process.env.MAILDOCK_SCREENSHOTS ?? tmpdir()

/**
 * The export dialog's swarm and Kubernetes targets: each lists its folder's files and how to run
 * it, and passes axe in light and dark.
 */
async function exportsFolders(page: Page): Promise<void> {
  const dialog = page.getByRole('dialog', { name: 'Export the stack' })
  for (const [target, file, content] of [
    ['Docker Swarm', 'stack.yml', /endpoint_mode: "?dnsrr/],
    ['Kubernetes', 'kustomization.yaml', /resources:/],
  ] as const) {
    await dialog
      .locator('label')
      .filter({ hasText: new RegExp(`^${target}$`) })
      .click()
    const files = dialog.getByLabel(/^File \(\d+\)$/)
    await files.waitFor({ timeout: 30_000 })
    await files.click()
    await page.getByRole('option', { name: file, exact: true }).click()
    await expect.poll(() => files.inputValue(), { timeout: 30_000 }).toBe(file)
    await expect
      .poll(() => dialog.getByTestId('export-file').textContent(), { timeout: 30_000 })
      .toMatch(content)
    expect(await dialog.getByTestId('export-how-to-run').textContent()).toMatch(
      target === 'Kubernetes' ? /kubectl apply -k/ : /docker stack deploy/,
    )
    for (const scheme of ['light', 'dark'] as const) {
      await showColorScheme(page, scheme)
      const slug = target.toLowerCase().replace(' ', '-')
      await page.screenshot({ path: join(shots, `maildock-stack-export-${slug}-${scheme}.png`) })
      const found = blocking(await runAxe(page))
      expect(
        found.map((v) => `${target} ${scheme} ${v.id} ${v.nodes[0]?.target.join(' ')}`),
      ).toEqual([])
    }
    await showColorScheme(page, 'light')
  }
}

const services = ['broker', 'catcher', 'api', 'emailer', 'logger']

/**
 * A stack of its own: its own name, the test label, every port picked by the engine but the API's,
 * a free port below the ephemeral range that the test holds at first.
 */
const env: NodeJS.ProcessEnv = {
  MAILDOCK_DATA_DIR: dataDir,
  MAILDOCK_STACK_NAME: stackName,
  MAILDOCK_BROKER_PORT: '0',
  MAILDOCK_BROKER_UI_PORT: '0',
  MAILDOCK_CATCHER_UI_PORT: '0',
  MAILDOCK_STACK_LABELS: 'maildock.test=1',
  MAILDOCK_HEALTH_TIMEOUT: '300',
  DOCKER_HOST: 'unix:///var/run/docker.sock',
}

let app: RunningApp
let blocker: Server | undefined
let apiPort = 0
let browser: Browser
let page: Page
let errors: string[]

function removeEverything(): void {
  try {
    execFileSync(process.execPath, [join(root, 'bin/maildock.js'), 'down', '--volumes'], {
      env: { ...process.env, ...env },
      stdio: 'ignore',
      timeout: 180_000,
    })
  } catch {
    // The CLI failed: remove by label below.
  }
  const label = `label=maildock.stack=${stackName}`
  for (const id of docker('ps', '-aq', '--filter', label).split('\n').filter(Boolean))
    docker('rm', '-f', '-v', id)
  for (const id of docker('network', 'ls', '-q', '--filter', label).split('\n').filter(Boolean))
    docker('network', 'rm', id)
  for (const name of docker('volume', 'ls', '-q', '--filter', label).split('\n').filter(Boolean))
    docker('volume', 'rm', name)
}

/** Listens on a free 127.0.0.1 port from 20000 to 32000: "another program" holding it. */
async function holdFreePort(): Promise<{ server: Server; port: number }> {
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const server = createServer()
    const ok = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false))
      server.listen({ port, host: '127.0.0.1', exclusive: true }, () => resolve(true))
    })
    if (ok) return { server, port }
  }
  throw new Error('no free port from 20000 to 32000')
}

const closeServer = (server: Server | undefined) =>
  new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()))

beforeAll(async () => {
  ;({ server: blocker, port: apiPort } = await holdFreePort())
  env.MAILDOCK_API_PORT = String(apiPort)
  app = await startApp(env)
  browser = await launchBrowser()
  ;({ page, errors } = await openPage(browser, app.url))
})

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  await closeServer(blocker)
  removeEverything()
  rmSync(dataDir, { recursive: true, force: true })
})

interface SeenStep {
  title: string
  state: string
  elapsed: string
}
const READ_STEPS = `[...document.querySelectorAll('[data-testid="stack-step"]')].map((n) => ({
  title: n.getAttribute('aria-label') ?? '',
  state: n.getAttribute('data-state') ?? '',
  elapsed: n.querySelector('[data-testid="step-elapsed"]')?.textContent ?? '',
}))`

/** axe finds nothing blocking in either scheme: the transient states (running steps, toasts) too. */
async function expectAccessible(where: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await showColorScheme(page, scheme)
    const found = blocking(await runAxe(page))
    expect(found.map((v) => `${where} ${scheme} ${v.id} ${v.nodes[0]?.target.join(' ')}`)).toEqual(
      [],
    )
  }
  await showColorScheme(page, 'light')
}

const stateOf = (service: string) => page.getByTestId(`state-${service}`).textContent()
const healthOf = (service: string) => page.getByTestId(`health-${service}`).textContent()

describe('Stack panel on the real engine', () => {
  it(
    'Start with the API port taken fails before creating anything, and says why',
    { timeout: 960_000 },
    async () => {
      await page.goto(`${app.origin}/#/stack`)
      await page.getByTestId('stack-absent').waitFor({ timeout: 30_000 })
      expect(await page.getByTestId('stack-state').textContent()).toBe('Not created')
      await page.screenshot({ path: join(shots, 'maildock-stack-absent.png') })

      await page.getByTestId('stack-start').click()
      const progress = page.getByTestId('stack-progress')
      // The first run may build the images before it finds the port taken.
      await expect
        .poll(() => progress.getAttribute('data-state'), { timeout: 900_000, interval: 500 })
        .toBe('failed')
      const message = await page.getByTestId('stack-failure-message').textContent()
      expect(message).toContain(`127.0.0.1:${apiPort} (api) already in use`)
      // The button is enabled once the failed run has settled (a moment after its state shows).
      await expect
        .poll(() => page.getByRole('button', { name: /^Retry/ }).isEnabled(), { timeout: 30_000 })
        .toBe(true)
      const label = `label=maildock.stack=${stackName}`
      expect(docker('ps', '-aq', '--filter', label)).toBe('')
      await page.mouse.move(0, 0)
      await page.screenshot({ path: join(shots, 'maildock-stack-failed.png') })
      await expectAccessible('failed start, its toast showing')
      expect(errors).toEqual([])
    },
  )

  it(
    'Retry, once the port is free, follows every step until all services are healthy',
    { timeout: 960_000 },
    async () => {
      await closeServer(blocker)
      blocker = undefined
      const started = Date.now()
      await page.getByRole('button', { name: /^Retry/ }).click()
      const progress = page.getByTestId('stack-progress')
      await expect
        .poll(() => progress.getAttribute('data-state'), { timeout: 30_000, interval: 100 })
        .not.toBe('failed')

      // Follow the steps: collect every title seen and the states each step went through.
      const seen = new Map<string, Set<string>>()
      const timed = new Set<string>()
      let midShot = false
      for (;;) {
        // One read of every step (they fold away the moment the run succeeds).
        const steps = await page.evaluate<SeenStep[]>(READ_STEPS)
        for (const step of steps) {
          const states = seen.get(step.title) ?? new Set<string>()
          states.add(step.state)
          seen.set(step.title, states)
          if (step.state === 'done' && /\d/.test(step.elapsed)) timed.add(step.title)
        }
        const state = await progress.getAttribute('data-state')
        if (!midShot && steps.some((s) => s.state === 'done') && state === 'running') {
          await page.screenshot({ path: join(shots, 'maildock-stack-progress.png') })
          midShot = true
          await expectAccessible('steps running')
        }
        if (state !== 'running') break
        if (Date.now() - started > 900_000) throw new Error('up took more than 15 minutes')
        await page.waitForTimeout(250)
      }
      const upMs = Date.now() - started
      await expectAccessible('start finished, its toast showing')
      await page.screenshot({ path: join(shots, 'maildock-stack-up.png'), fullPage: true })
      const failure = (await page.getByTestId('stack-failure').count())
        ? await page.getByTestId('stack-failure').textContent()
        : null
      expect(failure).toBeNull()
      expect(await progress.getAttribute('data-state')).toBe('succeeded')

      const titles = [...seen.keys()]
      console.log(`up from the panel: ${(upMs / 1000).toFixed(1)} s, ${titles.length} steps`)
      expect(titles).toContain(`Create network ${stackName}-net`)
      expect(titles).toContain('Wait until broker is healthy')
      for (const service of services)
        expect(
          titles.some((t) => t.startsWith('Start ') && t.includes(`${stackName}-${service}-`)),
        ).toBe(true)
      // Steps were seen running (or pending) before done: the view followed them live.
      expect(
        [...seen.values()].some((states) => states.has('running') || states.has('pending')),
      ).toBe(true)
      // Steps seen done showed their elapsed time.
      expect(timed.size).toBeGreaterThan(0)
      for (const service of services)
        await expect.poll(() => stateOf(service), { timeout: 60_000 }).toBe('running')
      for (const service of ['broker', 'api', 'emailer', 'logger'])
        await expect.poll(() => healthOf(service), { timeout: 60_000 }).toBe('healthy')
      await expect.poll(() => page.getByTestId('stack-state').textContent()).toBe('Running')

      // The links point at 127.0.0.1 and the API answers on its health URL.
      const api = page.getByRole('link', { name: 'Open API' })
      const href = await api.getAttribute('href')
      expect(href).toBe(`http://127.0.0.1:${apiPort}/health`)
      expect((await fetch(href!)).ok).toBe(true)

      // "Copy login" gives the generated broker password: the management UI accepts it.
      await page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
      await page.getByRole('button', { name: 'Copy login' }).click()
      await page.getByText('Broker password copied').waitFor({ timeout: 15_000 })
      const password = String(await page.evaluate('navigator.clipboard.readText()'))
      const management = await page
        .getByRole('link', { name: 'Open RabbitMQ management' })
        .getAttribute('href')
      const whoami = await fetch(`${management}/api/whoami`, {
        headers: {
          authorization: `Basic ${Buffer.from(`maildock:${password}`).toString('base64')}`,
        },
      })
      expect(whoami.status).toBe(200)
      expect(errors).toEqual([])
    },
  )

  it('stops one service from the panel and reports it stopped', { timeout: 180_000 }, async () => {
    const stoppedAt = Date.now()
    await page.getByRole('button', { name: 'Stop Logger', exact: true }).click()
    await expect.poll(() => stateOf('logger'), { timeout: 120_000 }).toBe('stopped')
    console.log(`logger reported stopped after ${((Date.now() - stoppedAt) / 1000).toFixed(1)} s`)
    expect(await page.getByTestId('stack-state').textContent()).toBe('Partly running')
    expect(await page.getByRole('button', { name: 'Start Logger', exact: true }).isEnabled()).toBe(
      true,
    )
    const inspect = docker('inspect', '--format', '{{.State.Status}}', `${stackName}-logger-1`)
    expect(inspect).toBe('exited')
    for (const service of ['broker', 'api', 'emailer', 'catcher'])
      expect(await stateOf(service)).toBe('running')
    await page.screenshot({
      path: join(shots, 'maildock-stack-logger-stopped.png'),
      fullPage: true,
    })
    expect(errors).toEqual([])
  })

  it(
    "follows a service's logs and exports the stack as a compose file",
    { timeout: 120_000 },
    async () => {
      await page.getByRole('button', { name: 'Logs of API', exact: true }).click()
      const logs = page.getByRole('log', { name: 'API logs' })
      await expect.poll(() => logs.textContent(), { timeout: 30_000 }).toMatch(/\S/)
      await page.waitForTimeout(500) // the drawer's slide-in
      await page.screenshot({ path: join(shots, 'maildock-stack-logs.png') })
      await page.keyboard.press('Escape')

      await page.getByRole('button', { name: 'Export compose file' }).click()
      const compose = page.getByTestId('export-compose')
      await compose.waitFor({ timeout: 30_000 })
      const text = (await compose.textContent()) ?? ''
      for (const service of services) expect(text).toContain(`${service}:`)
      expect(text).toContain('replicas')
      const download = page.waitForEvent('download')
      await page.getByRole('button', { name: 'Download compose.yaml' }).click()
      expect((await download).suggestedFilename()).toBe('compose.yaml')
      await page.screenshot({ path: join(shots, 'maildock-stack-export.png') })
      await exportsFolders(page)
      await page.keyboard.press('Escape')

      await page.getByRole('tab', { name: 'Settings' }).click()
      await page.getByTestId('stack-settings-form').waitFor()
      await page.screenshot({ path: join(shots, 'maildock-stack-settings.png'), fullPage: true })
      expect(errors).toEqual([])
    },
  )
})
