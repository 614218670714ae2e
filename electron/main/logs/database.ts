import { existsSync, renameSync } from 'node:fs'
import { dirname, join } from 'node:path'
import Database from 'better-sqlite3'
import type { StoreFault, StoreUpgrade } from '../../../shared/contract'
import { ensurePrivateDirSync, tightenFiles } from '../lib/private-files'
import { dataDirFrom } from '../settings'
import type { Progress } from './blocks'
import { migrate, NewerSchemaError, SCHEMA_VERSION } from './schema'
import { errorMessage } from '../../../shared/error-message'
import { registerWordPairs } from './word-pairs'

export type FaultKind = StoreFault['kind']

/** Where the log database lives: logs.db in the data dir. */
export function logDatabasePath(env: NodeJS.ProcessEnv = process.env): string {
  return join(dataDirFrom(env), 'logs.db')
}

/** The fault an error from SQLite stands for (undefined: not a fault of the file or disk). */
export function faultKindOf(error: unknown): FaultKind | undefined {
  if (error instanceof NewerSchemaError) return 'unknown'
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string' || !code.startsWith('SQLITE_')) return undefined
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'locked'
  if (code.startsWith('SQLITE_READONLY')) return 'read-only'
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') return 'corrupt'
  if (code === 'SQLITE_FULL') return 'full'
  if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io'
  return undefined
}

const FAULT_WORDS: Record<FaultKind, string> = {
  locked: 'is locked by another program (is another MailDock running?)',
  'read-only': 'cannot be written (the file or its folder is read-only)',
  corrupt: 'is damaged or is not a database',
  full: 'cannot grow: the disk is full',
  io: 'cannot be read or written (disk I/O error)',
  unknown: 'cannot be used',
}

export function describeFault(kind: FaultKind, path: string, error: unknown): string {
  const detail = errorMessage(error)
  return `The log database ${path} ${FAULT_WORDS[kind]}: ${detail}`
}

export interface OpenOptions {
  /** Test seam: open the file read-only, as a file without write permission behaves. */
  readonly?: boolean
  busyTimeoutMs?: number
  /** Told how a long schema step is getting on. */
  onProgress?: Progress
}

/** openLogDatabase, telling an older file's upgrade step by step, and null once it is done. */
export function openUpgrading(
  path: string,
  options: OpenOptions | undefined,
  onUpgrade: (upgrade: StoreUpgrade | null) => void,
): Database.Database {
  let upgrading = false
  const onProgress = (message: string, fraction = 0): void => {
    upgrading = true
    onUpgrade({ message, fraction })
  }
  try {
    return openLogDatabase(path, { onProgress, ...options })
  } finally {
    if (upgrading) onUpgrade(null)
  }
}

/** Opens (creating if needed) the database in WAL mode and migrates it to the current schema. */
export function openLogDatabase(path: string, options: OpenOptions = {}): Database.Database {
  ensurePrivateDirSync(dirname(path))
  const db = new Database(path, {
    readonly: options.readonly ?? false,
    timeout: options.busyTimeoutMs ?? 2_000,
  })
  try {
    // SQLite creates the file 0644 and gives -wal and -shm the mode of the file: 0600 before either.
    if (!options.readonly) tightenFiles(path)
    // Reading the schema first makes a file that is not a database fail here, with SQLITE_NOTADB.
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    // Takes effect only on a new, empty file (so before WAL mode writes its first page).
    db.pragma('auto_vacuum = INCREMENTAL')
    const mode = db.pragma('journal_mode = WAL', { simple: true })
    if (mode !== 'wal') throw readOnly(`journal mode stays ${String(mode)}`)
    // An older version's -wal and -shm, which SQLite reuses as they are.
    tightenFiles(`${path}-wal`, `${path}-shm`)
    db.pragma('synchronous = FULL')
    db.pragma('temp_store = MEMORY')
    db.pragma('cache_size = -32000')
    // What the writer's flushWordPairs (and the schema 6 step) call.
    registerWordPairs(db)
    migrate(db, options.onProgress)
    // A first write tells a read-only or locked file apart now rather than at the first batch.
    db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('opened_at', ?)").run(
      String(Date.now()),
    )
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

const readOnly = (message: string): Error =>
  Object.assign(new Error(message), { code: 'SQLITE_READONLY' })

/** The file opened for reading only, if it is at the schema this build reads. */
export function openForReading(path: string): Database.Database | undefined {
  try {
    const db = new Database(path, { readonly: true, fileMustExist: true })
    if (db.pragma('user_version', { simple: true }) === SCHEMA_VERSION) return db
    db.close()
  } catch {
    // Not readable either: the status already says why.
  }
  return undefined
}

/** Renames the file and its -wal/-shm aside (never deletes); returns the new name of the main file. */
export function moveAside(path: string, reason: string, now = new Date()): string | null {
  if (!existsSync(path)) return null
  const stamp = now.toISOString().replace(/[:.]/g, '-')
  const target = `${path}.${reason}-${stamp}`
  renameSync(path, target)
  for (const suffix of ['-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix)
  }
  return target
}
