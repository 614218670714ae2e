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
 * The folder with the services' Dockerfiles and bundles (resources/stack): the one given, else
 * the first found walking up from this module (source tree and build alike), else the cwd's.
 */
export function locateStackDir(explicit?: string): string | null {
  const candidates: string[] = explicit ? [explicit] : []
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

/**
 * Services whose bundle is missing, or older than their sources (in a source checkout; a
 * packaged app ships bundles without sources, and never bundles).
 */
export async function staleBundles(
  stackDir: string,
  services: readonly BuiltService[],
): Promise<BuiltService[]> {
  const shared = [
    ...(await filesUnder(join(stackDir, 'common'))),
    join(stackDir, '..', '..', 'shared', 'messages.ts'),
  ].filter((file) => existsSync(file))
  const stale: BuiltService[] = []
  for (const service of services) {
    const bundle = join(stackDir, service, 'dist', 'index.js')
    const sources = await filesUnder(join(stackDir, service, 'src'))
    if (!existsSync(bundle)) {
      stale.push(service)
      continue
    }
    // Without a bundler (a packaged app) the shipped bundle is what there is.
    if (sources.length === 0 || findTsx(stackDir) === null) continue
    const built = (await stat(bundle)).mtimeMs
    if ((await newestMtime([...sources, ...shared])) > built) stale.push(service)
  }
  return stale
}

function findTsx(from: string): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const bin = join(dir, 'node_modules', '.bin', 'tsx')
    if (existsSync(bin)) return bin
    if (dirname(dir) === dir) return null
  }
}

/** Runs resources/stack/build.ts (esbuild) for the services; its output becomes the error's logs. */
export async function bundle(stackDir: string, services: readonly BuiltService[]): Promise<void> {
  const tsx = findTsx(stackDir)
  const script = join(stackDir, 'build.ts')
  if (tsx === null || !existsSync(script)) {
    throw new MaildockError(
      'NOT_FOUND',
      `The ${services.join(', ')} service bundles are missing from ${stackDir} and cannot be built here (no build.ts or tsx): reinstall MailDock.`,
    )
  }
  const output: string[] = []
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(tsx, [script, ...services], { cwd: dirname(dirname(stackDir)) })
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
