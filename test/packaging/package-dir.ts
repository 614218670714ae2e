// Builds the Linux `dir` target of electron-builder against a stand-in Electron, the way the
// installers are built, and reads what came out.
import { execFile } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, sep } from 'node:path'
import { promisify } from 'node:util'
import { extractAll, listPackage } from '@electron/asar'

const run = promisify(execFile)
export const REPO = join(import.meta.dirname, '..', '..')

/** The fuse sentinel of @electron/fuses, wire version 1, and Electron's default fuse states. */
const FUSE_WIRE = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX\x01\x0810011000'

/**
 * These machines cannot download the Electron binary, and electron-builder accepts an unpacked
 * Electron folder instead (electronDist). The stand-in is one executable named `electron` that
 * carries a fuse wire, so electron-builder's fuse step flips real bytes; everything else in the
 * output (app.asar, app.asar.unpacked, resources/stack) is what an installer would carry.
 */
function standInElectron(): string {
  const folder = mkdtempSync(join(tmpdir(), 'maildock-electron-stand-in-'))
  writeFileSync(
    join(folder, 'electron'),
    `#!/bin/sh\necho "stand-in Electron: no binary here"; exit 1\n# ${FUSE_WIRE}\n`,
    { mode: 0o755 },
  )
  return folder
}

export interface PackagedLayout {
  /** linux-unpacked: the folder an installer installs. */
  appDir: string
  resources: string
  /** app.asar extracted to resources/app, where Electron would also look for the app. */
  extracted: string
  asarEntries: string[]
  /** app.asar plus app.asar.unpacked, in bytes. */
  appBytes: number
  builderSeconds: number
}

function bytesUnder(path: string): number {
  const info = statSync(path)
  if (!info.isDirectory()) return info.size
  return readdirSync(path).reduce((sum, name) => sum + bytesUnder(join(path, name)), 0)
}

/** Every file under a folder, relative, with forward slashes, sorted. */
export function filesUnder(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

export async function packageDir(): Promise<PackagedLayout> {
  if (!existsSync(join(REPO, 'out', 'main', 'cli.js'))) {
    throw new Error('out/ is missing: run `npm run build` first (npm test does)')
  }
  const output = mkdtempSync(join(tmpdir(), 'maildock-packaged-'))
  const started = Date.now()
  const electronDist = standInElectron()
  await run(
    process.execPath,
    [
      join(REPO, 'node_modules', 'electron-builder', 'cli.js'),
      '--linux',
      'dir',
      '--publish',
      'never',
      `-c.electronDist=${electronDist}`,
      // The native rebuild targets Electron's ABI and needs Electron's headers, which cannot be
      // downloaded here; skipped so better-sqlite3 stays built for this Node, which runs it below.
      '-c.npmRebuild=false',
      `-c.directories.output=${output}`,
    ],
    { cwd: REPO, maxBuffer: 64 * 1024 * 1024 },
  ).finally(() => rmSync(electronDist, { recursive: true, force: true }))
  const builderSeconds = (Date.now() - started) / 1000
  const appDir = join(output, 'linux-unpacked')
  const resources = join(appDir, 'resources')
  const asar = join(resources, 'app.asar')
  const extracted = join(resources, 'app')
  mkdirSync(extracted)
  extractAll(asar, extracted)
  return {
    appDir,
    resources,
    extracted,
    asarEntries: listPackage(asar, { isPack: false }).map((entry) => entry.split(sep).join('/')),
    appBytes: bytesUnder(asar) + bytesUnder(join(resources, 'app.asar.unpacked')),
    builderSeconds,
  }
}

/** Every `node_modules/.bin/tsx` in the folder or any folder above it. */
export function tsxAbove(folder: string): string[] {
  const found: string[] = []
  for (let dir = folder; ; dir = dirname(dir)) {
    const tsx = join(dir, 'node_modules', '.bin', 'tsx')
    if (existsSync(tsx)) found.push(tsx)
    if (dirname(dir) === dir) return found
  }
}
