import { realpath, stat } from 'node:fs/promises'
import { homedir } from 'node:os'
import { dirname, isAbsolute, relative, sep } from 'node:path'
import { MaildockError } from '../../../shared/contract'

/** Folders no build may upload: system folders, and whatever holds the user's keys and settings. */
const SYSTEM_FOLDERS = ['/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/run', '/var', '/usr']
const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tar\.xz)$/i

const isInside = (parent: string, child: string): boolean => {
  const rel = relative(parent, child)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

/** The root, the home folder or one above it, a system folder, or any hidden folder on the way. */
export function isProtectedPath(real: string, home = homedir()): boolean {
  if (isInside(real, home)) return true
  if (SYSTEM_FOLDERS.some((folder) => isInside(folder, real))) return true
  return real.split(sep).some((segment) => segment.startsWith('.'))
}

/**
 * The folder or archive a build may upload, resolved through symlinks. One message for a path
 * that is missing, of the wrong kind or protected, so the answer says nothing about what exists.
 */
export async function resolveBuildContext(
  kind: 'folder' | 'archive',
  path: string,
): Promise<string> {
  const refuse = (): MaildockError =>
    new MaildockError(
      'INVALID_INPUT',
      `Cannot build from ${path}: choose a ${kind === 'folder' ? 'project folder' : '.tar, .tar.gz, .tgz, .tar.bz2 or .tar.xz archive'} you can read, outside system folders, hidden folders and not your home folder itself.`,
    )
  if (!isAbsolute(path)) throw refuse()
  const real = await realpath(path).catch(() => undefined)
  if (real === undefined || isProtectedPath(kind === 'folder' ? real : dirname(real)))
    throw refuse()
  if (kind === 'archive' && (!ARCHIVE.test(real) || real.split(sep).at(-1)?.startsWith('.')))
    throw refuse()
  const info = await stat(real).catch(() => undefined)
  if (!info || (kind === 'folder' ? !info.isDirectory() : !info.isFile())) throw refuse()
  return real
}
