// The installed app's layout, built by electron-builder as an installer is (a stand-in Electron,
// see package-dir.ts), then the packaged core driven by plain Node from that layout against the
// real engine: images built from the shipped bundles, every service healthy, an email delivered.
import { execFile, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { FuseV1Options, getCurrentFuseWire } from '@electron/fuses'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { StackResult, StackStatus } from '../../shared/contract'
import {
  eventually,
  postEmail,
  publishedUrl,
  removeStack,
  stackEnv,
  uniqueStackName,
  waitForMessage,
} from '../support/stack'
import { filesUnder, packageDir, tsxAbove, type PackagedLayout } from './package-dir'

const SIZE_GOAL_BYTES = 15 * 1000 * 1000
const SERVICES = ['api', 'emailer', 'logger'] as const
/** @electron/fuses' states, as bytes in the wire: '0' off, '1' on. */
const FuseState = { DISABLE: 48, ENABLE: 49 } as const

const docker = new Docker()
const stack = uniqueStackName('mdpkg')
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-packaged-data-'))
const baseImage = `maildock-layout-test/node:${stack}`
const builtImages = new Set<string>()
let layout: PackagedLayout

/**
 * A Node base of its own (the test image plus a label): its id is new, so the service images'
 * tags (hashes of bundle and base id) are new too, and `up` has to build them from this layout.
 */
async function uniqueBaseImage(): Promise<void> {
  const context = mkdtempSync(join(tmpdir(), 'maildock-base-'))
  writeFileSync(
    join(context, 'Dockerfile'),
    `FROM ${process.env.MAILDOCK_NODE_IMAGE}\nLABEL maildock.test=1 maildock.test.run=${stack}\n`,
  )
  const stream = await docker.buildImage({ context, src: ['Dockerfile'] }, { t: baseImage })
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (error, output) =>
      error ? reject(error) : resolve(output),
    ),
  )
}

interface Run {
  code: number
  stdout: string
  stderr: string
}

/** The packaged CLI entry, run by plain Node from a folder with no checkout around it. */
function packagedCli(...args: string[]): Promise<Run> {
  const { NODE_OPTIONS: _ignored, ...env } = process.env
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(layout.extracted, 'out', 'main', 'cli.js'), ...args],
      {
        cwd: dataDir,
        env: {
          ...env,
          ...stackEnv(stack, { MAILDOCK_NODE_IMAGE: baseImage, MAILDOCK_HEALTH_TIMEOUT: '300' }),
          MAILDOCK_DATA_DIR: dataDir,
        },
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}

/** Browser mode from the layout, by plain Node: the URL it prints, and a way to stop it. */
async function servePackaged(): Promise<{ url: string; stop: () => void }> {
  const { NODE_OPTIONS: _ignored, ...env } = process.env
  const child = spawn(process.execPath, [join(layout.extracted, 'out', 'main', 'server.js')], {
    cwd: dataDir,
    env: { ...env, MAILDOCK_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const read = (chunk: Buffer): void => {
      output += chunk.toString()
      const printed = /serving at (\S+)/.exec(output)
      if (printed?.[1]) resolve(printed[1])
    }
    child.stdout.on('data', read)
    child.stderr.on('data', read)
    child.on('exit', (code) => reject(new Error(`server.js exited ${code}:\n${output}`)))
  })
  return { url, stop: () => child.kill('SIGTERM') }
}

async function ok(...args: string[]): Promise<string> {
  const run = await packagedCli(...args)
  if (run.code !== 0)
    throw new Error(`maildock ${args.join(' ')} exited ${run.code}:\n${run.stderr}`)
  return run.stdout
}

beforeAll(async () => {
  layout = await packageDir()
  await removeStack(docker, stack)
  await uniqueBaseImage()
})

afterAll(async () => {
  await packagedCli('down', '--volumes')
  await removeStack(docker, stack)
  for (const image of [...builtImages, baseImage])
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined)
  if (layout) await rm(join(layout.appDir, '..'), { recursive: true, force: true })
  await rm(dataDir, { recursive: true, force: true })
})

describe('the packaged app', () => {
  it('carries the main, preload and renderer builds in app.asar and better-sqlite3 unpacked', () => {
    const entries = new Set(layout.asarEntries)
    for (const file of [
      '/package.json',
      '/out/main/index.js',
      '/out/main/cli.js',
      '/out/preload/index.cjs',
      '/out/renderer/index.html',
    ])
      expect(entries, file).toContain(file)
    const sqlite = join('node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node')
    expect(existsSync(join(layout.resources, 'app.asar.unpacked', sqlite))).toBe(true)
    // Bundled into the renderer, the preload, main or the service images: not shipped again.
    for (const bundled of ['react', '@mantine', '@tabler', 'zod', 'nodemailer', 'tsx', 'esbuild'])
      expect(entries, bundled).not.toContain(`/node_modules/${bundled}`)
    expect([...entries].filter((e) => e.startsWith('/bin') || e.endsWith('.map'))).toEqual([])
  })

  it('ships each stack service as a Dockerfile and a bundle, and nothing else', () => {
    expect(filesUnder(join(layout.resources, 'stack'))).toEqual(
      SERVICES.flatMap((s) => [`${s}/Dockerfile`, `${s}/dist/index.js`, `${s}/dist/package.json`]),
    )
  })

  it('stays within the size goal', () => {
    const megabytes = (layout.appBytes / 1e6).toFixed(2)
    console.log(
      `app.asar + app.asar.unpacked: ${megabytes} MB (goal 15 MB); electron-builder took ${layout.builderSeconds.toFixed(0)} s`,
    )
    expect(layout.appBytes).toBeLessThanOrEqual(SIZE_GOAL_BYTES)
  })

  it('carries electron-updater and the GitHub feed it reads for updates', () => {
    expect(layout.asarEntries).toContain('/node_modules/electron-updater/out/main.js')
    const feed = parse(readFileSync(join(layout.resources, 'app-update.yml'), 'utf8')) as unknown
    expect(feed).toMatchObject({ provider: 'github' })
  })

  it('serves browser mode from the layout: the page and its scripts (@fastify/static loads)', async () => {
    const server = await servePackaged()
    try {
      const page = await fetch(server.url)
      expect(page.status).toBe(200)
      const html = await page.text()
      const script = /<script[^>]+src="([^"]+)"/.exec(html)?.[1]
      expect(script).toBeDefined()
      const asset = await fetch(new URL(script ?? '', server.url))
      expect(asset.status).toBe(200)
      expect(asset.headers.get('content-type')).toMatch(/javascript/)
    } finally {
      server.stop()
    }
  })

  it('has the fuses of electron-builder.yml flipped in its executable', async () => {
    const wire = await getCurrentFuseWire(join(layout.appDir, 'maildock'))
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      cookieEncryption: wire[FuseV1Options.EnableCookieEncryption],
      nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
      asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      onlyAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
    }).toEqual({
      runAsNode: FuseState.DISABLE,
      cookieEncryption: FuseState.ENABLE,
      nodeOptions: FuseState.DISABLE,
      inspect: FuseState.DISABLE,
      asarIntegrity: FuseState.ENABLE,
      onlyAsar: FuseState.ENABLE,
    })
  })

  it('brings the stack up from the shipped bundles, with no tsx anywhere above it', async () => {
    expect(tsxAbove(layout.extracted)).toEqual([])
    const result = JSON.parse(await ok('up', '--json')) as StackResult
    for (const image of result.changes.builtImages) builtImages.add(image)
    expect(result.operation.state).toBe('succeeded')
    expect(result.operation.steps.map((step) => step.kind)).not.toContain('bundle')
    expect(result.changes.builtImages.map((tag) => tag.split(':')[0]).sort()).toEqual(
      SERVICES.map((s) => `maildock/${s}`),
    )
    // `up` exits 0 only once every service was healthy; on a busy machine a health check can
    // time out now and then afterwards, so status is polled until all five say healthy again.
    await eventually(
      'every service healthy',
      async () => {
        const status = JSON.parse(await ok('status', '--json')) as StackStatus
        const healthy = status.services.filter((s) => s.health === 'healthy').map((s) => s.service)
        return healthy.sort().join(',') === 'api,broker,catcher,emailer,logger' ? true : undefined
      },
      300_000,
    )
    // Three image builds and five health checks: a generous bound for a shared, busy machine.
  }, 600_000)

  it('delivers an email posted to the API to the catcher', async () => {
    const status = JSON.parse(await ok('status', '--json')) as StackStatus
    const subject = `packaged ${stack}`
    await postEmail(publishedUrl(status, 'api', 3000), subject)
    const message = await waitForMessage(publishedUrl(status, 'catcher', 8025), subject, 90_000)
    expect(message.To?.[0]?.Address).toBe('someone@example.com')
  })
})
