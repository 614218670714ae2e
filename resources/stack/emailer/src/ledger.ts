import {
  closeSync,
  fdatasync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'

const fdatasyncAsync = promisify(fdatasync)

export interface SmtpReceipt {
  response: string
  messageId: string
  accepted: string[]
  rejected: string[]
}

interface EntryBase {
  id: string
  replica: string
  at: string
  attempt: number
}
/** Written before an SMTP transaction starts. */
export type AttemptEntry = EntryBase & { kind: 'attempt' }
/**
 * Written just before the end of the message data goes out: from here on the server may have
 * taken the message even if this process never sees its reply. An attempt that stopped before
 * this point certainly delivered nothing (SMTP servers drop unfinished transactions).
 */
export type CommittingEntry = EntryBase & { kind: 'committing' }
/** Written when an SMTP transaction ended without the message being taken. */
export type FailedEntry = EntryBase & { kind: 'failed' }
/**
 * Written (and fsynced) once the SMTP server took the message, before the ack. `unconfirmed`:
 * recorded after a restart for an attempt cut off after its end of data (see CommittingEntry).
 */
export type SentEntry = EntryBase & {
  kind: 'sent'
  durationMs: number
  smtp: SmtpReceipt
  unconfirmed?: true
}
export type LedgerEntry = AttemptEntry | CommittingEntry | FailedEntry | SentEntry

export interface LedgerOptions {
  dir: string
  /** Each replica appends to its own file in the shared directory and reads the others'. */
  replica: string
  retentionMs: number
  now?: () => Date
}

const FILE_SUFFIX = '.ledger'
/**
 * A directory listing is reused while the directory's mtime is unchanged, but only one taken when
 * that mtime was already this old: timestamps are coarse (a clock tick), so a file created just
 * after a listing may leave the mtime as it was.
 */
const LISTING_SETTLE_MS = 2000

/**
 * The emailer's sent-ledger: one append-only JSON-lines file per replica on the emailer's
 * volume. It answers "was this email id already sent (by any replica)?" so a redelivered or
 * re-posted message is never sent twice. A written line survives the process being killed
 * (it is in the kernel's page cache); "sent" lines are also fdatasynced before the message is
 * acknowledged, so they survive a machine crash too. No native module: the bundle stays one
 * JS file and runs on any Node base image.
 */
export class SentLedger {
  private readonly latest = new Map<string, LedgerEntry>()
  private readonly foreign = new Map<string, { ino: number; offset: number; partial: Buffer }>()
  private readonly ownFile: string
  private fd: number
  private syncWaiters: Array<{ resolve: () => void; reject: (error: unknown) => void }> = []
  private syncing = false
  private listing: { dirMtimeMs: number; trusted: boolean; paths: string[] } | undefined

  private constructor(private readonly options: LedgerOptions) {
    mkdirSync(options.dir, { recursive: true })
    this.ownFile = join(
      options.dir,
      `${options.replica.replace(/[^A-Za-z0-9._-]/g, '_')}${FILE_SUFFIX}`,
    )
    this.fd = -1
  }

  static open(options: LedgerOptions): SentLedger {
    const ledger = new SentLedger(options)
    ledger.loadOwnFileCompacted()
    ledger.refresh()
    return ledger
  }

  get size(): number {
    return this.latest.size
  }

  /** The most telling entry for this id across all replicas ("sent" wins over anything). */
  lookup(id: string): LedgerEntry | undefined {
    this.refresh()
    return this.latest.get(id)
  }

  recordAttempt(id: string, attempt: number): void {
    this.append({ kind: 'attempt', id, attempt, replica: this.options.replica, at: this.nowIso() })
  }

  recordCommitting(id: string, attempt: number): CommittingEntry {
    const entry: CommittingEntry = {
      kind: 'committing',
      id,
      attempt,
      replica: this.options.replica,
      at: this.nowIso(),
    }
    this.append(entry)
    return entry
  }

  recordFailure(id: string, attempt: number): void {
    this.append({ kind: 'failed', id, attempt, replica: this.options.replica, at: this.nowIso() })
  }

  /** Resolves once the line is on disk (group commit: one fdatasync for many concurrent sends). */
  recordSent(
    id: string,
    attempt: number,
    durationMs: number,
    smtp: SmtpReceipt,
    unconfirmed = false,
  ): Promise<SentEntry> {
    const entry: SentEntry = {
      kind: 'sent',
      id,
      attempt,
      durationMs,
      smtp,
      replica: this.options.replica,
      at: this.nowIso(),
      ...(unconfirmed ? { unconfirmed: true as const } : {}),
    }
    this.append(entry)
    return this.sync().then(() => entry)
  }

  close(): void {
    if (this.fd >= 0) {
      fsyncSync(this.fd)
      closeSync(this.fd)
      this.fd = -1
    }
  }

  private append(entry: LedgerEntry): void {
    writeSync(this.fd, `${JSON.stringify(entry)}\n`)
    this.remember(entry)
  }

  private sync(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ resolve, reject })
      if (!this.syncing) void this.drainSyncs()
    })
  }

  private async drainSyncs(): Promise<void> {
    this.syncing = true
    while (this.syncWaiters.length > 0) {
      const batch = this.syncWaiters
      this.syncWaiters = []
      try {
        await fdatasyncAsync(this.fd)
        for (const waiter of batch) waiter.resolve()
      } catch (error) {
        for (const waiter of batch) waiter.reject(error)
      }
    }
    this.syncing = false
  }

  /** Rewrites this replica's file with one line per id, dropping entries past retention. */
  private loadOwnFileCompacted(): void {
    const own = new Map<string, LedgerEntry>()
    for (const entry of parseLines(readIfExists(this.ownFile))) {
      if (this.isRetained(entry)) mergeInto(own, entry)
    }
    const temporary = `${this.ownFile}.compacting`
    const fd = openSync(temporary, 'w')
    const lines = [...own.values()].map((entry) => `${JSON.stringify(entry)}\n`).join('')
    if (lines !== '') writeSync(fd, lines)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(temporary, this.ownFile)
    const dirFd = openSync(this.options.dir, 'r')
    fsyncSync(dirFd)
    closeSync(dirFd)
    this.fd = openSync(this.ownFile, 'a')
    for (const entry of own.values()) this.remember(entry)
  }

  /** Reads what other replicas appended since the last look. */
  private refresh(): void {
    for (const path of this.foreignPaths()) {
      const stat = statSync(path, { throwIfNoEntry: false })
      if (stat === undefined) continue
      let state = this.foreign.get(path)
      if (state === undefined || state.ino !== stat.ino || stat.size < state.offset) {
        state = { ino: stat.ino, offset: 0, partial: Buffer.alloc(0) }
        this.foreign.set(path, state)
      }
      if (stat.size === state.offset) continue
      const chunk = readRange(path, state.offset, stat.size)
      state.offset = stat.size
      const bytes = Buffer.concat([state.partial, chunk])
      const complete = bytes.lastIndexOf(0x0a) + 1
      state.partial = bytes.subarray(complete)
      for (const entry of parseLines(bytes.subarray(0, complete).toString('utf8'))) {
        if (this.isRetained(entry)) this.remember(entry)
      }
    }
  }

  /**
   * The other replicas' files. Looked up before every send, so the directory is listed again only
   * when its mtime says a file came or went (a stat rather than an open, reads and a close).
   */
  private foreignPaths(): string[] {
    const { dir } = this.options
    const { mtimeMs } = statSync(dir)
    const cached = this.listing
    if (cached?.trusted === true && cached.dirMtimeMs === mtimeMs) return cached.paths
    const listedAt = this.now().getTime()
    const paths = readdirSync(dir)
      .filter((name) => name.endsWith(FILE_SUFFIX))
      .map((name) => join(dir, name))
      .filter((path) => path !== this.ownFile)
    this.listing = { dirMtimeMs: mtimeMs, trusted: listedAt - mtimeMs > LISTING_SETTLE_MS, paths }
    return paths
  }

  private remember(entry: LedgerEntry): void {
    mergeInto(this.latest, entry)
  }

  private isRetained(entry: LedgerEntry): boolean {
    return this.now().getTime() - Date.parse(entry.at) <= this.options.retentionMs
  }

  private now(): Date {
    return this.options.now?.() ?? new Date()
  }

  private nowIso(): string {
    return this.now().toISOString()
  }
}

function mergeInto(map: Map<string, LedgerEntry>, entry: LedgerEntry): void {
  const known = map.get(entry.id)
  if (known?.kind === 'sent') return
  if (known === undefined || entry.kind === 'sent' || entry.at >= known.at) map.set(entry.id, entry)
}

function parseLines(text: string): LedgerEntry[] {
  const entries: LedgerEntry[] = []
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue
    try {
      const value: unknown = JSON.parse(line)
      if (isLedgerEntry(value)) entries.push(value)
    } catch {
      // A line cut short by a crash: the next line starts clean, so skipping it is safe.
    }
  }
  return entries
}

function isLedgerEntry(value: unknown): value is LedgerEntry {
  if (typeof value !== 'object' || value === null) return false
  const entry = value as Record<string, unknown>
  return (
    typeof entry.kind === 'string' &&
    ['attempt', 'committing', 'failed', 'sent'].includes(entry.kind) &&
    typeof entry.id === 'string' &&
    typeof entry.replica === 'string' &&
    typeof entry.at === 'string' &&
    typeof entry.attempt === 'number'
  )
}

function readIfExists(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return ''
    throw error
  }
}

function readRange(path: string, start: number, end: number): Buffer {
  const fd = openSync(path, 'r')
  try {
    const buffer = Buffer.alloc(end - start)
    let read = 0
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read)
      if (n === 0) break
      read += n
    }
    return buffer.subarray(0, read)
  } finally {
    closeSync(fd)
  }
}
