import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createConnection, createServer, type Server } from 'node:net'
import { rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { docker } from './docker-cli'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

let browser: Browser
beforeAll(async () => {
  browser = await launchBrowser()
})
afterAll(() => browser?.close())

/** A unix socket that forwards to the real engine: "the engine comes back" when it starts listening. */
function engineProxy(path: string): Promise<Server> {
  const server = createServer((client) => {
    const upstream = createConnection('/var/run/docker.sock')
    client.pipe(upstream).pipe(client)
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  return new Promise((resolve) => server.listen(path, () => resolve(server)))
}

describe('Engine panel', () => {
  let app: RunningApp
  afterAll(() => app?.stop())

  it('shows the real engine version and container count', async () => {
    app = await startApp({ DOCKER_HOST: 'unix:///var/run/docker.sock' })
    const { page, errors } = await openPage(browser, app.url)
    await page.goto(`${app.origin}/#/engine`)
    const version = docker('version', '--format', '{{.Server.Version}}')
    await expect
      .poll(() => page.getByTestId('engine-version').textContent(), { timeout: 15_000 })
      .toBe(version)
    const total = docker('ps', '-aq').split('\n').filter(Boolean).length
    await expect
      .poll(() => page.getByTestId('stat-containers').textContent(), { timeout: 10_000 })
      .toBe(String(total))
    expect(page.url()).not.toContain('token=')
    expect(errors).toEqual([])
  })

  it('updates the count live when a container is created with the docker CLI', async () => {
    const { page } = await openPage(browser, app.url)
    await page.goto(`${app.origin}/#/engine`)
    await page.getByTestId('engine-version').waitFor()
    const before = Number(await page.getByTestId('stat-containers').textContent())
    const image = docker('images', '--format', '{{.Repository}}:{{.Tag}}')
      .split('\n')
      .find((i) => !i.includes('<none>'))
    expect(image, 'needs at least one local image').toBeTruthy()
    const id = docker('create', '--label', 'maildock.test=1', image!)
    try {
      await expect
        .poll(() => page.getByTestId('stat-containers').textContent(), { timeout: 20_000 })
        .toBe(String(before + 1))
    } finally {
      docker('rm', '-f', id)
    }
  })
})

describe('Engine panel with the engine unreachable', () => {
  const socketPath = join(tmpdir(), `maildock-e2e-${process.pid}.sock`)
  let app: RunningApp
  let proxy: Server | undefined
  afterAll(async () => {
    await app?.stop()
    proxy?.close()
    rmSync(socketPath, { force: true })
  })

  it('shows the endpoint tried and the error, then Retry recovers once the engine is back', async () => {
    rmSync(socketPath, { force: true })
    app = await startApp({ DOCKER_HOST: `unix://${socketPath}` })
    const { page, errors } = await openPage(browser, app.url)
    const alert = page.getByTestId('engine-unreachable')
    await alert.waitFor({ timeout: 15_000 })
    expect(await alert.textContent()).toContain(`unix://${socketPath}`)
    expect(await page.getByTestId('engine-error').textContent()).toContain(
      'No Docker engine socket',
    )

    // The monitor retries by itself after 1, 2, 5, then every 10 s: wait for a long wait, so that
    // the click, not the monitor's own retry, is what finds the engine back.
    await expect
      .poll(() => alert.textContent(), { timeout: 60_000 })
      .toMatch(/Trying again by itself in (8|9|10) s/)
    proxy = await engineProxy(socketPath)
    await page.getByRole('button', { name: 'Retry now' }).click()
    await expect
      .poll(() => page.getByTestId('engine-version').textContent(), { timeout: 10_000 })
      .toBe(docker('version', '--format', '{{.Server.Version}}'))
    expect(errors).toEqual([])
  })
})
