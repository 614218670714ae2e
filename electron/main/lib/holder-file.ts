import { readFileSync, rmSync, statSync, utimesSync } from 'node:fs'
import { hostname } from 'node:os'
import { writePrivateFileSync } from './private-files'

/** Who holds a resource: written by the holder, read by the other processes. */
export interface Holder {
  pid: number
  host: string
  /** What holds it ("the desktop app", "browser mode"). */
  by: string
  startedAt: number
}

export const HOLDER_HEARTBEAT_MS = 20_000
/** A holder that has not touched its file for this long is gone (crashed, or a reused pid). */
export const HOLDER_STALE_MS = 90_000

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Marks `file` as held by this process while it runs: the file names the process and is touched
 * every HOLDER_HEARTBEAT_MS. Returns the release function (removes the file if it is still ours).
 */
export function holdFile(file: string, by: string): () => void {
  const me: Holder = { pid: process.pid, host: hostname(), by, startedAt: Date.now() }
  writePrivateFileSync(file, JSON.stringify(me))
  const beat = setInterval(() => {
    try {
      const now = new Date()
      utimesSync(file, now, now)
    } catch {
      // Removed by hand: write it again.
      writePrivateFileSync(file, JSON.stringify(me))
    }
  }, HOLDER_HEARTBEAT_MS)
  beat.unref()
  return () => {
    clearInterval(beat)
    if (readHolder(file)?.pid === me.pid) rmSync(file, { force: true })
  }
}

/**
 * The live holder of `file`, or null: no file, an unreadable one, a process that is gone (same
 * host), or a heartbeat older than HOLDER_STALE_MS (a crash on another host, or a reused pid).
 */
export function readHolder(file: string, now = Date.now()): Holder | null {
  let holder: Partial<Holder>
  let touched: number
  try {
    touched = statSync(file).mtimeMs
    holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<Holder>
  } catch {
    return null
  }
  if (typeof holder.pid !== 'number' || typeof holder.host !== 'string') return null
  if (now - touched > HOLDER_STALE_MS) return null
  if (holder.host === hostname() && !isAlive(holder.pid)) return null
  return {
    pid: holder.pid,
    host: holder.host,
    by: String(holder.by ?? 'MailDock'),
    startedAt: Number(holder.startedAt ?? 0),
  }
}
