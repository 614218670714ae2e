import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { startProxy, type Proxy } from '../support/docker'
import { docker } from './docker-cli'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

const LABEL = 'maildock.test=1'
const suffix = `${process.pid}-${Date.now().toString(36)}`
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-e2e-containers-'))
const created: string[] = []

/** maildock/debian-base:local when built, else any tagged local image (no registry here). */
function localImage(): string {
  const tags = docker('images', '--format', '{{.Repository}}:{{.Tag}}')
    .split('\n')
    .filter((t) => t && !t.includes('<none>'))
  const image = tags.find((t) => t === 'maildock/debian-base:local') ?? tags[0]
  if (!image) throw new Error('needs at least one local image')
  return image
}

function run(name: string, ...command: string[]): string {
  // A short stop timeout: `sleep` as PID 1 ignores SIGTERM, and the test should not wait 10 s.
  const id = docker(
    'run',
    '-d',
    '--label',
    LABEL,
    '--stop-timeout',
    '2',
    '--name',
    name,
    localImage(),
    ...command,
  )
  created.push(id)
  return id
}

const countRows = (view: Page) => view.locator('tr[data-row-key]').count()
const row = (page: Page, id: string) => page.locator(`tr[data-row-key="${id}"]`)

let browser: Browser
let app: RunningApp
let page: Page
let errors: string[]

beforeAll(async () => {
  browser = await launchBrowser()
  app = await startApp({ DOCKER_HOST: 'unix:///var/run/docker.sock', MAILDOCK_DATA_DIR: dataDir })
  ;({ page, errors } = await openPage(browser, app.url))
  await page.getByRole('link', { name: /Containers/ }).click()
  await page
    .getByRole('table', { name: 'Containers' })
    .or(page.getByTestId('list-empty'))
    .waitFor({ timeout: 15_000 })
})

afterAll(async () => {
  for (const id of created) {
    try {
      execFileSync('docker', ['rm', '-f', id], { stdio: 'ignore' })
    } catch {
      // already gone (removed by a test)
    }
  }
  await browser?.close()
  await app?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('Containers panel against the real engine', () => {
  it('shows a container started with the docker CLI live (no reload), stops it, and docker ps agrees', async () => {
    const name = `maildock-e2e-stop-${suffix}`
    const invokedAt = performance.now()
    const id = run(name, 'sleep', '300')
    const returnedAt = performance.now()
    await row(page, id).waitFor({ timeout: 15_000 })
    const shownAt = performance.now()
    console.log(
      `docker run took ${(returnedAt - invokedAt).toFixed(0)} ms; the row was shown ` +
        `${(shownAt - invokedAt).toFixed(0)} ms after invoking it, ` +
        `${(shownAt - returnedAt).toFixed(0)} ms after it returned`,
    )
    await expect.poll(() => row(page, id).textContent()).toContain('running')

    await row(page, id)
      .getByRole('button', { name: `Stop ${name}` })
      .click()
    await expect.poll(() => row(page, id).textContent(), { timeout: 15_000 }).toContain('exited')
    expect(docker('ps', '-q', '--no-trunc', '--filter', `id=${id}`)).toBe('')
    expect(docker('inspect', '-f', '{{.State.Status}}', id)).toBe('exited')
    expect(errors).toEqual([])
  })

  it('follows a container’s logs in the drawer', async () => {
    const name = `maildock-e2e-logs-${suffix}`
    const id = run(
      name,
      'sh',
      '-c',
      'i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done',
    )
    await row(page, id).waitFor({ timeout: 5_000 })
    await row(page, id).getByText(name).click()
    await page.getByRole('tab', { name: 'Logs' }).click()
    const log = page.getByRole('log', { name: 'Container logs' })
    await expect.poll(() => log.textContent(), { timeout: 10_000 }).toContain('tick 3')
    const before = Number((await log.textContent())?.match(/tick (\d+)(?!.*tick)/s)?.[1])
    await expect
      .poll(async () => Number((await log.textContent())?.match(/tick (\d+)(?!.*tick)/s)?.[1]), {
        timeout: 5_000,
      })
      .toBeGreaterThan(before)
    await page.keyboard.press('Escape')
    await page.getByRole('log', { name: 'Container logs' }).waitFor({ state: 'detached' })
    expect(errors).toEqual([])
  })

  it('removes a running container after confirming with force (Delete key), and docker ps -a agrees', async () => {
    const name = `maildock-e2e-remove-${suffix}`
    const id = run(name, 'sleep', '300')
    await expect.poll(() => row(page, id).textContent(), { timeout: 5_000 }).toContain('running')
    await row(page, id).focus()
    await page.keyboard.press('Delete')
    const dialog = page.getByRole('dialog', { name: `Remove ${name}?` })
    await dialog.getByTestId('remove-running-warning').waitFor()
    await dialog.getByRole('checkbox', { name: /Force/ }).check()
    await dialog.getByRole('button', { name: 'Remove' }).click()
    await row(page, id).waitFor({ state: 'detached', timeout: 10_000 })
    expect(docker('ps', '-aq', '--no-trunc', '--filter', `id=${id}`)).toBe('')
    expect(errors).toEqual([])
  })

  it('renders each Docker panel with real data (screenshots in /tmp)', async () => {
    const volume = docker('volume', 'create', '--label', LABEL, `maildock-e2e-vol-${suffix}`)
    const network = docker('network', 'create', '--label', LABEL, `maildock-e2e-net-${suffix}`)
    try {
      for (const [panel, table] of [
        ['containers', 'Containers'],
        ['images', 'Images'],
        ['networks', 'Networks'],
        ['volumes', 'Volumes'],
      ] as const) {
        await page.getByRole('link', { name: new RegExp(table) }).click()
        await page.getByRole('table', { name: table }).waitFor({ timeout: 10_000 })
        await page.screenshot({ path: `/tmp/maildock-e2e-${panel}.png` })
      }
      // Tables render only the rows in view once they are long: find ours through the filter.
      const listed = async (table: string, name: string) => {
        await page.getByRole('link', { name: new RegExp(table) }).click()
        await page.getByRole('textbox', { name: 'Filter' }).fill(name)
        const text = () => page.getByRole('table', { name: table }).textContent()
        await expect.poll(text, { timeout: 15_000 }).toContain(name)
      }
      await listed('Volumes', volume)
      await listed('Networks', `maildock-e2e-net-${suffix}`)
      await page.getByRole('link', { name: /Settings/ }).click()
      await page.getByRole('table', { name: 'Endpoint candidates' }).waitFor()
      expect(await page.getByTestId('endpoint-current').textContent()).toContain(
        'unix:///var/run/docker.sock',
      )
      await page.screenshot({ path: '/tmp/maildock-e2e-settings.png' })
      expect(errors).toEqual([])
    } finally {
      docker('volume', 'rm', '-f', volume)
      docker('network', 'rm', network)
    }
  })
})

describe('Containers panel when the engine goes away and comes back', () => {
  const socket = join(dataDir, 'engine.sock')
  let proxy: Proxy | undefined
  let second: RunningApp | undefined
  afterAll(async () => {
    await proxy?.stop()
    await second?.stop()
  })

  it('shows the engine error and a link to the Engine panel, then the list again by itself', async () => {
    proxy = await startProxy({ listen: socket, target: '/var/run/docker.sock' })
    second = await startApp({ DOCKER_HOST: `unix://${socket}`, MAILDOCK_DATA_DIR: dataDir })
    const opened = await openPage(browser, second.url)
    const view = opened.page
    await view.getByRole('link', { name: /Containers/ }).click()
    await view.getByRole('table', { name: 'Containers' }).waitFor({ timeout: 15_000 })

    await proxy.stop()
    const alert = view.getByTestId('list-engine-unreachable')
    await alert.waitFor({ timeout: 30_000 })
    expect(await view.getByRole('table', { name: 'Containers' }).count()).toBe(0)
    expect(
      await alert.getByRole('link', { name: 'Open the Engine panel' }).getAttribute('href'),
    ).toBe('#/engine')

    proxy = await startProxy({ listen: socket, target: '/var/run/docker.sock' })
    await view.getByRole('table', { name: 'Containers' }).waitFor({ timeout: 60_000 })
    expect(await countRows(view)).toBeGreaterThan(0)
    expect(opened.errors).toEqual([])
  })
})
