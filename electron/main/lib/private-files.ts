// The data folder holds recipients, subjects, settings and secrets: only its owner may enter it
// (0700) or read its files (0600), whichever mode (desktop, browser, CLI) wrote them. Windows has
// no such modes (the folder's ACL applies); chmod there only toggles read-only, so it is skipped.
import { randomUUID } from 'node:crypto'
import {
  chmodSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  renameSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { chmod, mkdir, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'

const PRIVATE_DIR_MODE = 0o700
const PRIVATE_FILE_MODE = 0o600
const POSIX = process.platform !== 'win32'

/** MailDock's own files in the data folder: its JSON settings and the log database (with -wal, -shm and moved-aside copies). */
const OWN_FILE = /^(?:.+\.json|logs\.db.*)$/

/** Creates the folder (and missing parents) 0700, and tightens it if it already existed. */
export function ensurePrivateDirSync(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (POSIX) chmodSync(dir, PRIVATE_DIR_MODE)
}

export async function ensurePrivateDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
  if (POSIX) await chmod(dir, PRIVATE_DIR_MODE)
}

/**
 * At start: the data folder 0700, and MailDock's files in it (and in its `locks` folder) 0600,
 * so a folder an older version left 0755 with 0644 files is closed. Others' files are left alone
 * (the folder may be one the user chose); symbolic links are never followed.
 */
export function tightenDataDir(dataDir: string): void {
  ensurePrivateDirSync(dataDir)
  if (!POSIX) return
  const own = readdirSync(dataDir, { withFileTypes: true }).filter(
    (entry) => entry.isFile() && OWN_FILE.test(entry.name),
  )
  tightenFiles(...own.map((entry) => join(dataDir, entry.name)))
  const locks = join(dataDir, 'locks')
  if (!lstatSync(locks, { throwIfNoEntry: false })?.isDirectory()) return
  chmodSync(locks, PRIVATE_DIR_MODE)
  const held = readdirSync(locks, { withFileTypes: true }).filter((entry) => entry.isFile())
  tightenFiles(...held.map((entry) => join(locks, entry.name)))
}

/**
 * Takes group and other permissions off each of the files that exists (0644 becomes 0600); the
 * owner's stay, so a file the user made read-only stays read-only.
 */
export function tightenFiles(...files: string[]): void {
  if (!POSIX) return
  for (const file of files) {
    try {
      chmodSync(file, statSync(file).mode & 0o700)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
    }
  }
}

export function writePrivateFileSync(file: string, text: string): void {
  ensurePrivateDirSync(dirname(file))
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`
  writeFileSync(temp, text, { mode: PRIVATE_FILE_MODE })
  if (POSIX) chmodSync(temp, PRIVATE_FILE_MODE)
  renameSync(temp, file)
}

/** Writes atomically (a temporary file renamed over the old one) with mode 0600 in a 0700 folder. */
export async function writePrivateFile(file: string, text: string): Promise<void> {
  await ensurePrivateDir(dirname(file))
  const temp = `${file}.${process.pid}.${randomUUID()}.tmp`
  await writeFile(temp, text, { mode: PRIVATE_FILE_MODE })
  // A temporary file left by a crash keeps its old mode through writeFile.
  if (POSIX) await chmod(temp, PRIVATE_FILE_MODE)
  await rename(temp, file)
}
