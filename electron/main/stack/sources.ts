import { spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MaildockError } from '../../../shared/contract'
import type { BuiltService } from './definition'

const MARKER = join('api', 'Dockerfile')

/**
 * The folder with the services' Dockerfiles and bundles (resources/stack). Given one (the packaged
 * app's resources/stack, or MAILDOCK_STACK_DIR), that folder and no other; else the first found
 * walking up from this module (source tree and build alike), else the cwd's.
 */
export function locateStackDir(explicit?: string): string | null {
  if (explicit) return existsSync(join(explicit, MARKER)) ? explicit : null
  const candidates: string[] = []
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    candidates.push(join(dir, 'resources', 'stack'))
    if (dirname(dir) === dir) break
  }
  candidates.push(join(process.cwd(), 'resources', 'stack'))
  return candidates.find((dir) => existsSync(join(dir, MARKER))) ?? null
}

async function filesUnder(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true, recursive: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

async function newestMtime(files: readonly string[]): Promise<number> {
  const times = await Promise.all(files.map(async (file) => (await stat(file)).mtimeMs))
  return Math.max(0, ...times)
}

export interface BundlePolicy {
  /** A packaged app ships its bundles and never bundles (app.isPackaged in the shell). */
  packaged: boolean
}

/**
 * The bundler of a source checkout: `tsx` in the checkout's own node_modules, next to build.ts's
 * package.json. Never searched for elsewhere: a packaged app (e.g. an AppImage mounted under /tmp)
 * must not run a program some other user planted in a folder above it.
 */
export function checkoutBundler(stackDir: string, policy: BundlePolicy): string | null {
  if (policy.packaged) return null
  const root = dirname(dirname(stackDir))
  const tsx = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'tsx.cmd' : 'tsx')
  const isCheckout =
    existsSync(join(stackDir, 'build.ts')) && existsSync(join(root, 'package.json'))
  return isCheckout && existsSync(tsx) ? tsx : null
}

/**
 * Services whose bundle is missing, or (in a source checkout) older than their sources. A packaged
 * app ships bundles without sources: what it has is what it uses.
 */
export async function staleBundles(
  stackDir: string,
  services: readonly BuiltService[],
  policy: BundlePolicy,
): Promise<BuiltService[]> {
  const canBundle = checkoutBundler(stackDir, policy) !== null
  const shared = [
    ...(await filesUnder(join(stackDir, 'common'))),
    join(stackDir, '..', '..', 'shared', 'messages.ts'),
  ].filter((file) => existsSync(file))
  const stale: BuiltService[] = []
  for (const service of services) {
    const bundle = join(stackDir, service, 'dist', 'index.js')
    if (!existsSync(bundle)) {
      stale.push(service)
      continue
    }
    const sources = await filesUnder(join(stackDir, service, 'src'))
    if (!canBundle || sources.length === 0) continue
    const built = (await stat(bundle)).mtimeMs
    if ((await newestMtime([...sources, ...shared])) > built) stale.push(service)
  }
  return stale
}

/** Runs resources/stack/build.ts (esbuild) for the services; its output becomes the error's logs. */
export async function bundle(
  stackDir: string,
  services: readonly BuiltService[],
  policy: BundlePolicy,
): Promise<void> {
  const tsx = checkoutBundler(stackDir, policy)
  if (tsx === null) {
    throw new MaildockError(
      'NOT_FOUND',
      `The ${services.join(', ')} service bundles are missing from ${stackDir}: reinstall MailDock.`,
    )
  }
  const output: string[] = []
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(tsx, [join(stackDir, 'build.ts'), ...services], {
      cwd: dirname(dirname(stackDir)),
      shell: process.platform === 'win32',
    })
    const collect = (chunk: Buffer): void => {
      output.push(...chunk.toString('utf8').split('\n').filter(Boolean))
    }
    child.stdout.on('data', collect)
    child.stderr.on('data', collect)
    child.on('error', reject)
    child.on('close', resolve)
  })
  if (code !== 0) {
    throw new MaildockError('INTERNAL', `Bundling ${services.join(', ')} failed (exit ${code}).`, {
      logs: output.slice(-60),
    })
  }
}

/** What a service image is built from: its Dockerfile and bundle, plus the base image's id. */
export async function contextHash(
  stackDir: string,
  service: BuiltService,
  baseImageId: string,
): Promise<string> {
  const folder = join(stackDir, service)
  const files = [join(folder, 'Dockerfile'), ...(await filesUnder(join(folder, 'dist')))]
  const hash = createHash('sha256').update(`base ${baseImageId}\n`)
  for (const file of files) {
    hash.update(`${relative(folder, file).split(sep).join('/')}\n`)
    hash.update(await readFile(file))
  }
  return hash.digest('hex').slice(0, 12)
}

export const serviceImageTag = (service: BuiltService, hash: string): string =>
  `maildock/${service}:${hash}`
