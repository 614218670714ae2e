import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Locator, Page } from 'playwright-core'
import {
  freeLowPort,
  startProxy,
  startRegistry,
  type Proxy,
  type Registry,
} from '../support/docker'
import { docker } from './docker-cli'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

// Pull with progress and cancel against Debian's docker-registry on 127.0.0.1 (behind a slow
// proxy, so there is progress to see), a pull that fails, and a build with streamed output.
const suffix = `${process.pid}-${Date.now().toString(36)}`
const work = mkdtempSync(join(tmpdir(), 'maildock-e2e-images-'))
const LAYER_BYTES = 8 * 1024 * 1024

let registry: Registry
let slow: Proxy
let slowAddress: string
let browser: Browser
let app: RunningApp
let page: Page
let errors: string[]
const imagesToRemove: string[] = []

function removeLocal(ref: string): void {
  try {
    execFileSync('docker', ['rmi', '-f', ref], { stdio: 'ignore' })
  } catch {
    // not there
  }
}

const hasImage = (ref: string) => docker('images', '-q', ref) !== ''
const pullCard = (ref: string): Locator => page.getByRole('region', { name: `Pull ${ref}` })

async function pull(ref: string): Promise<Locator> {
  await page.getByRole('textbox', { name: 'Image to pull' }).fill(ref)
  await page.getByRole('button', { name: 'Pull', exact: true }).click()
  const card = pullCard(ref)
  await card.waitFor()
  return card
}

beforeAll(async () => {
  // Set-up installs Debian's docker-registry: without it this suite fails rather than skips.
  if (!existsSync('/usr/bin/docker-registry'))
    throw new Error('/usr/bin/docker-registry is missing: run scripts/setup-machine.sh')
  registry = await startRegistry()
  const port = await freeLowPort()
  slow = await startProxy({
    listen: port,
    target: Number(registry.address.split(':')[1]),
    bytesPerSecond: 2 * 1024 * 1024,
  })
  slowAddress = `127.0.0.1:${port}`
  // One image with a layer of random bytes that exists nowhere else, pushed, then removed here.
  writeFileSync(join(work, 'payload.bin'), randomBytes(LAYER_BYTES))
  const source = `${registry.address}/maildock-e2e/payload:${suffix}`
  const tar = join(work, 'payload.tar')
  execFileSync('tar', ['-C', work, '-cf', tar, 'payload.bin'])
  docker('import', '--change', 'LABEL maildock.test=1', tar, source)
  docker('push', source)
  removeLocal(source)
  browser = await launchBrowser()
  app = await startApp({ DOCKER_HOST: 'unix:///var/run/docker.sock', MAILDOCK_DATA_DIR: work })
  ;({ page, errors } = await openPage(browser, app.url))
  await page.getByRole('link', { name: /Images/ }).click()
  await page.getByRole('table', { name: 'Images' }).waitFor({ timeout: 15_000 })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  for (const ref of imagesToRemove) removeLocal(ref)
  await slow?.stop()
  await registry?.stop()
  rmSync(work, { recursive: true, force: true })
})

describe('Images panel against the real engine and a local registry', () => {
  it('pulls with a progress bar per layer, then lists the image', async () => {
    const ref = `${slowAddress}/maildock-e2e/payload:${suffix}`
    imagesToRemove.push(ref)
    const card = await pull(ref)
    const bar = card.getByRole('progressbar').first()
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), {
        timeout: 30_000,
        interval: 50,
      })
      .toBeGreaterThan(0)
    const midway = Number(await bar.getAttribute('aria-valuenow'))
    await expect.poll(() => card.textContent(), { timeout: 60_000 }).toContain('done')
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBe(100)
    console.log(`a layer bar was seen at ${midway.toFixed(0)} % before the pull finished`)
    expect(await card.getByTestId('pull-status').textContent()).toMatch(
      /Downloaded newer image|1\/1 layers/,
    )
    await expect
      .poll(() => page.getByRole('table', { name: 'Images' }).textContent())
      .toContain(ref)
    expect(hasImage(ref)).toBe(true)
    expect(errors).toEqual([])
  })

  it('cancels a pull: the bar stops, the engine drops it, and no image appears', async () => {
    const ref = `${slowAddress}/maildock-e2e/payload:${suffix}`
    removeLocal(ref)
    await expect
      .poll(() => page.getByRole('table', { name: 'Images' }).textContent())
      .not.toContain(ref)
    await page.getByRole('button', { name: `Dismiss pull ${ref}` }).click()
    const card = await pull(ref)
    const bar = card.getByRole('progressbar').first()
    await expect
      .poll(async () => Number(await bar.getAttribute('aria-valuenow')), {
        timeout: 30_000,
        interval: 50,
      })
      .toBeGreaterThan(0)
    await card.getByRole('button', { name: 'Cancel' }).click()
    expect(await card.textContent()).toContain('cancelled')
    await expect.poll(() => slow.stats().open, { timeout: 15_000 }).toBe(0)
    expect(hasImage(ref)).toBe(false)
    expect(errors).toEqual([])
  })

  it('says why a pull failed and leaves no bar running', async () => {
    const ref = `${registry.address}/maildock-e2e/missing:${suffix}`
    const card = await pull(ref)
    await expect.poll(() => card.textContent(), { timeout: 30_000 }).toContain('failed')
    expect(await card.getByRole('alert').textContent()).toMatch(/not found|manifest unknown/i)
    expect(await card.getByRole('button', { name: 'Cancel' }).count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('builds from a folder with streamed output and lists the new image', async () => {
    const context = join(work, 'context')
    const tag = `maildock-e2e/built:${suffix}`
    imagesToRemove.push(tag)
    mkdirSync(context)
    writeFileSync(
      join(context, 'Dockerfile'),
      'FROM maildock/debian-base:local\nLABEL maildock.test=1\nRUN echo "hello from the e2e build"\n',
    )
    await page.getByRole('button', { name: 'Build…' }).click()
    const dialog = page.getByRole('dialog', { name: 'Build an image' })
    await dialog.getByRole('textbox', { name: /Build context folder/ }).fill(context)
    await dialog.getByRole('textbox', { name: 'Tags' }).fill(tag)
    await dialog.getByRole('button', { name: 'Build' }).click()
    const job = page.getByTestId('build-job').filter({ hasText: tag })
    await expect.poll(() => job.textContent(), { timeout: 120_000 }).toContain('done')
    expect(await job.getByRole('log', { name: 'Build output' }).textContent()).toContain(
      'hello from the e2e build',
    )
    expect(await job.getByTestId('build-step').textContent()).toContain('3/3')
    await expect
      .poll(() => page.getByRole('table', { name: 'Images' }).textContent())
      .toContain(tag)
    expect(hasImage(tag)).toBe(true)
    await page.screenshot({ path: '/tmp/maildock-e2e-images-transfers.png' })
    expect(errors).toEqual([])
  })
})
