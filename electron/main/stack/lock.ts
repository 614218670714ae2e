import { open, readFile, rm, stat } from 'node:fs/promises'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { MaildockError } from '../../../shared/contract'
import { isAlive } from '../lib/holder-file'
import { ensurePrivateDir } from '../lib/private-files'

export interface LockHolder {
  pid: number
  host: string
  operation: string
  startedAt: number
}

const POLL_MS = 200
const STALE_FOREIGN_MS = 60 * 60 * 1000

/** A lock left by a process that is gone (same host), or very old (another host). */
export function isStale(holder: LockHolder, now = Date.now()): boolean {
  if (holder.host === hostname()) return holder.pid !== process.pid && !isAlive(holder.pid)
  return now - holder.startedAt > STALE_FOREIGN_MS
}

export interface AcquireOptions {
  operation: string
  /** Called once when another holder makes us wait. */
  onWait?: (holder: LockHolder) => void
  timeoutMs?: number
}

/**
 * One operation at a time per stack: a promise queue inside this process, and a lock file in
 * the data dir across processes (the app and the CLI), so two `up`s never both create.
 */
export class StackLocks {
  private readonly queues = new Map<string, Promise<void>>()

  constructor(private readonly dir: string) {}

  async acquire(stack: string, options: AcquireOptions): Promise<() => Promise<void>> {
    const previous = this.queues.get(stack) ?? Promise.resolve()
    let releaseQueue!: () => void
    const mine = new Promise<void>((resolve) => (releaseQueue = resolve))
    const tail = previous.then(() => mine)
    this.queues.set(stack, tail)
    await previous
    try {
      await this.lockFile(stack, options)
    } catch (error) {
      releaseQueue()
      throw error
    }
    return async () => {
      await rm(this.file(stack), { force: true })
      if (this.queues.get(stack) === tail) this.queues.delete(stack)
      releaseQueue()
    }
  }

  private file(stack: string): string {
    return join(this.dir, `stack-${stack}.lock`)
  }

  private async lockFile(stack: string, options: AcquireOptions): Promise<void> {
    await ensurePrivateDir(this.dir)
    const file = this.file(stack)
    const me: LockHolder = {
      pid: process.pid,
      host: hostname(),
      operation: options.operation,
      startedAt: Date.now(),
    }
    const deadline = Date.now() + (options.timeoutMs ?? 15 * 60 * 1000)
    let told = false
    for (;;) {
      try {
        const handle = await open(file, 'wx', 0o600)
        await handle.writeFile(JSON.stringify(me))
        await handle.close()
        return
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      const holder = await readHolder(file)
      if (holder === null || isStale(holder)) {
        await rm(file, { force: true })
        continue
      }
      if (!told) options.onWait?.(holder)
      told = true
      if (Date.now() > deadline) {
        throw new MaildockError(
          'CONFLICT',
          `Another MailDock (pid ${holder.pid} on ${holder.host}) has been running "${holder.operation}" on stack ${stack} since ${new Date(holder.startedAt).toISOString()}: try again when it is done.`,
          { holder },
        )
      }
      await sleep(POLL_MS)
    }
  }
}

async function readHolder(file: string): Promise<LockHolder | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch {
    return null
  }
  try {
    const holder = JSON.parse(text) as Partial<LockHolder>
    if (typeof holder.pid === 'number' && typeof holder.host === 'string') {
      return {
        pid: holder.pid,
        host: holder.host,
        operation: String(holder.operation ?? 'an operation'),
        startedAt: Number(holder.startedAt ?? 0),
      }
    }
  } catch {
    // Being written right now, or left half-written by a crash: the file's age tells.
  }
  const age = Date.now() - (await stat(file).catch(() => ({ mtimeMs: 0 }))).mtimeMs
  if (age > 5_000) return null
  return { pid: process.pid, host: hostname(), operation: 'starting', startedAt: Date.now() }
}
