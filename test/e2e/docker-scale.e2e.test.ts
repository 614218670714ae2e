import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { docker } from './docker-cli'
import { launchBrowser, openPage, startApp, type RunningApp } from './harness'

// Render timing of the Containers and Images panels with many rows, beside the docker CLI listing
// the same engine in the same run. MAILDOCK_SCALE_CONTAINERS / MAILDOCK_SCALE_IMAGES change the size.
const CONTAINERS = Number(process.env.MAILDOCK_SCALE_CONTAINERS ?? 500)
const IMAGES = Number(process.env.MAILDOCK_SCALE_IMAGES ?? 200)
const ROUNDS = 3
const tag = `scale-${process.pid}`
const label = `maildock.test.scale=${tag}`
const exec = promisify(execFile)
const work = mkdtempSync(join(tmpdir(), 'maildock-e2e-scale-'))

async function inParallel(count: number, width: number, task: (i: number) => Promise<unknown>) {
  let next = 0
  const worker = async () => {
    while (next < count) await task(next++)
  }
  await Promise.all(Array.from({ length: width }, worker))
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

async function timed(work: () => Promise<unknown>): Promise<number> {
  const start = performance.now()
  await work()
  return performance.now() - start
}

function baseImage(): string {
  const tags = docker('images', '--format', '{{.Repository}}:{{.Tag}}').split('\n')
  return (
    tags.find((t) => t === 'maildock/debian-base:local') ??
    tags.find((t) => t && !t.includes('<none>'))!
  )
}

const countOf = async (page: Page) =>
  Number(((await page.getByTestId('panel-count').textContent()) ?? '0').split(' of ').pop())

let browser: Browser
let app: RunningApp
let page: Page
let errors: string[]

beforeAll(async () => {
  const image = baseImage()
  await inParallel(CONTAINERS, 8, (i) =>
    exec('docker', [
      'create',
      '--label',
      'maildock.test=1',
      '--label',
      label,
      '--label',
      `com.docker.compose.project=${tag}-${i % 5}`,
      '--name',
      `${tag}-${String(i).padStart(4, '0')}`,
      image,
      'true',
    ]),
  )
  const file = join(work, 'hello.txt')
  await inParallel(IMAGES, 4, async (i) => {
    writeFileSync(`${file}.${i}`, `image ${i}\n`)
    const tar = join(work, `context-${i}.tar`)
    await exec('tar', ['-C', work, '-cf', tar, `hello.txt.${i}`])
    await exec('docker', [
      'import',
      '--change',
      `LABEL ${label.replace('=', '="')}"`,
      tar,
      `maildock-e2e/${tag}:${i}`,
    ])
  })
  browser = await launchBrowser()
  app = await startApp({ DOCKER_HOST: 'unix:///var/run/docker.sock', MAILDOCK_DATA_DIR: work })
  ;({ page, errors } = await openPage(browser, app.url))
}, 600_000)

afterAll(async () => {
  await browser?.close()
  await app?.stop()
  const ids = docker('ps', '-aq', '--filter', `label=${label}`).split('\n').filter(Boolean)
  for (let i = 0; i < ids.length; i += 100) docker('rm', '-f', ...ids.slice(i, i + 100))
  const images = docker('images', '-q', '--filter', `label=${label}`).split('\n').filter(Boolean)
  for (let i = 0; i < images.length; i += 100)
    docker('rmi', '-f', ...new Set(images.slice(i, i + 100)))
  rmSync(work, { recursive: true, force: true })
}, 600_000)

describe(`Docker panels with ${CONTAINERS} containers and ${IMAGES} images`, () => {
  it('render fast, keep the DOM small (virtualized), and filter fast', async () => {
    const cli = {
      ps: median(await Promise.all([0, 1, 2].map(() => timed(() => exec('docker', ['ps', '-a']))))),
      images: median(
        await Promise.all([0, 1, 2].map(() => timed(() => exec('docker', ['images'])))),
      ),
    }
    const expected = docker('ps', '-aq').split('\n').filter(Boolean).length
    const expectedImages = docker('images', '-q').split('\n').filter(Boolean).length

    const open = async (link: RegExp, table: string, minimum: number) => {
      await page.getByRole('link', { name: /Engine/ }).click()
      return timed(async () => {
        await page.getByRole('link', { name: link }).click()
        await page.getByRole('table', { name: table }).waitFor({ timeout: 30_000 })
        await expect
          .poll(() => countOf(page), { timeout: 30_000, interval: 10 })
          .toBeGreaterThanOrEqual(minimum)
      })
    }

    const containerOpen: number[] = []
    for (let i = 0; i < ROUNDS; i++)
      containerOpen.push(await open(/Containers/, 'Containers', CONTAINERS))
    expect(await countOf(page)).toBeGreaterThanOrEqual(Math.min(expected, CONTAINERS))
    const domRows = await page.locator('tr[data-row-key]').count()

    const filter = page.getByRole('textbox', { name: 'Filter' })
    const target = `${tag}-${String(CONTAINERS - 1).padStart(4, '0')}`
    const filterMs = await timed(async () => {
      await filter.fill(target)
      await expect.poll(() => page.locator('tr[data-row-key]').count(), { interval: 10 }).toBe(1)
    })
    await filter.fill('')
    await expect
      .poll(() => page.getByTestId('panel-count').textContent(), { interval: 10 })
      .not.toContain(' of ')
    // Jump to the end of the list and wait (frame by frame, in the page) for its last row to render.
    const scroll = await page.evaluate<{ ms: number; lastRowShown: boolean }>(`(async () => {
      const scroller = document.querySelector('table[aria-label="Containers"]').parentElement
      const start = performance.now()
      scroller.scrollTop = scroller.scrollHeight
      // The spacer row after the window is gone once the list's last row is rendered.
      const shown = () => document.querySelector('table[aria-label="Containers"] tbody tr:last-child').hasAttribute('data-row-key')
      while (!shown() && performance.now() - start < 10000) await new Promise((resolve) => requestAnimationFrame(resolve))
      return { ms: performance.now() - start, lastRowShown: shown() }
    })()`)
    expect(scroll.lastRowShown).toBe(true)

    const imageOpen: number[] = []
    for (let i = 0; i < ROUNDS; i++) imageOpen.push(await open(/Images/, 'Images', IMAGES))
    const imageRows = await page.locator('tr[data-row-key]').count()

    console.log(
      [
        `docker ps -a: ${cli.ps.toFixed(0)} ms for ${expected} containers; docker images: ${cli.images.toFixed(0)} ms for ${expectedImages} images`,
        `Containers panel, click to ${CONTAINERS}+ rows listed: median ${median(containerOpen).toFixed(0)} ms (${containerOpen.map((t) => t.toFixed(0)).join(', ')}), ${domRows} rows in the DOM`,
        `filter to 1 row: ${filterMs.toFixed(0)} ms; scroll to the end: ${scroll.ms.toFixed(0)} ms`,
        `Images panel, click to ${IMAGES}+ rows listed: median ${median(imageOpen).toFixed(0)} ms (${imageOpen.map((t) => t.toFixed(0)).join(', ')}), ${imageRows} rows in the DOM`,
      ].join('\n'),
    )
    expect(domRows).toBeLessThan(120)
    expect(errors).toEqual([])
  })
})
