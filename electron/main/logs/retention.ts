import type Database from 'better-sqlite3'
import type { Retention } from '../../../shared/contract'
import { pruneEntryBlocks } from './blocks'

const DAY_MS = 86_400_000

export function retentionFromEnv(env: NodeJS.ProcessEnv): Retention {
  const number = (value: string | undefined, fallback: number | null): number | null => {
    if (value === undefined || value.trim() === '') return fallback
    if (value.trim() === '0' || value.trim() === 'off') return null
    const parsed = Number(value)
    return Number.isFinite(parsed) && parsed > 0 ? parsed : fallback
  }
  return {
    maxAgeDays: number(env.MAILDOCK_LOG_RETENTION_DAYS, 30),
    maxSizeMb: number(env.MAILDOCK_LOG_MAX_MB, 2_048),
  }
}

export function readRetention(db: Database.Database, fallback: Retention): Retention {
  const row = db.prepare("SELECT value FROM meta WHERE key = 'retention'").get() as
    { value: string } | undefined
  if (!row) return fallback
  try {
    return { ...fallback, ...(JSON.parse(row.value) as Partial<Retention>) }
  } catch {
    return fallback
  }
}

export function writeRetention(db: Database.Database, retention: Retention): void {
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('retention', ?)").run(
    JSON.stringify(retention),
  )
}

/** Bytes the database really uses (free pages excluded). */
export function usedBytes(db: Database.Database): number {
  const pages = db.pragma('page_count', { simple: true }) as number
  const free = db.pragma('freelist_count', { simple: true }) as number
  const size = db.pragma('page_size', { simple: true }) as number
  return (pages - free) * size
}

export interface RetentionRun {
  deleted: number
  emailsDeleted: number
}

const breathe = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/**
 * Removes entries older than maxAgeDays, then the oldest ones while the database is over
 * maxSizeMb, in small transactions with the event loop free between them; then merges the
 * full-text index and hands free pages back to the disk.
 */
export async function applyRetention(
  db: () => Database.Database | undefined,
  retention: Retention,
  options: { now?: number; chunkRows?: number } = {},
): Promise<RetentionRun> {
  const now = options.now ?? Date.now()
  const chunk = options.chunkRows ?? 2_000
  let deleted = 0
  const deleteOldest = (limit: number, before: number | null): number => {
    const handle = db()
    if (!handle) return 0
    const sql = `DELETE FROM entries WHERE id IN (SELECT id FROM entries
      ${before === null ? '' : 'WHERE ts < @before'} ORDER BY ts LIMIT @limit)`
    return handle.prepare(sql).run(before === null ? { limit } : { limit, before }).changes
  }

  if (retention.maxAgeDays !== null) {
    const before = now - retention.maxAgeDays * DAY_MS
    for (;;) {
      const n = deleteOldest(chunk, before)
      deleted += n
      if (n < chunk) break
      await breathe()
    }
  }

  const handle = db()
  if (retention.maxSizeMb !== null && handle) {
    const limit = retention.maxSizeMb * 1024 * 1024
    const used = usedBytes(handle)
    if (used > limit) {
      // Deleting frees pages only as the index merges; so the share to drop is decided up front.
      const rows = (handle.prepare('SELECT count(*) AS n FROM entries').get() as { n: number }).n
      let toDelete = Math.ceil((rows * (used - limit)) / used + rows * 0.05)
      while (toDelete > 0) {
        const n = deleteOldest(Math.min(chunk, toDelete), null)
        deleted += n
        toDelete -= n
        if (n === 0) break
        await breathe()
      }
    }
  }

  const emailsDeleted = deleted > 0 ? await dropOrphanEmails(db, chunk) : 0
  if (deleted > 0) db()?.prepare('DELETE FROM counts WHERE n <= 0').run()
  const left = db()
  if (deleted > 0 && left) pruneEntryBlocks(left)
  if (deleted > 0) await compact(db)
  return { deleted, emailsDeleted }
}

async function dropOrphanEmails(
  db: () => Database.Database | undefined,
  chunk: number,
): Promise<number> {
  let total = 0
  for (;;) {
    const handle = db()
    if (!handle) return total
    const ids = handle
      .prepare(
        `SELECT email_id FROM emails m
         WHERE first_ts <= coalesce((SELECT min(ts) FROM entries), first_ts)
           AND NOT EXISTS (SELECT 1 FROM entries WHERE email_id = m.email_id)
         LIMIT ?`,
      )
      .pluck()
      .all(chunk) as string[]
    if (ids.length === 0) return total
    const removeEmail = handle.prepare('DELETE FROM emails WHERE email_id = ?')
    const removeRecipients = handle.prepare('DELETE FROM email_recipients WHERE email_id = ?')
    handle.transaction(() => {
      for (const id of ids) {
        removeEmail.run(id)
        removeRecipients.run(id)
      }
    })()
    total += ids.length
    if (ids.length < chunk) return total
    await breathe()
  }
}

/** Merges the full-text index (drops deleted rows' postings) and returns free pages to the disk. */
export async function compact(db: () => Database.Database | undefined): Promise<void> {
  for (let i = 0; i < 20; i += 1) {
    const handle = db()
    if (!handle) return
    const totalChanges = handle.prepare('SELECT total_changes()').pluck()
    const before = totalChanges.get() as number
    handle.prepare("INSERT INTO entries_fts (entries_fts, rank) VALUES ('merge', 256)").run()
    handle.prepare("INSERT INTO entries_pairs (entries_pairs, rank) VALUES ('merge', 256)").run()
    const worked = (totalChanges.get() as number) - before > 1
    await breathe()
    if (!worked) break
  }
  for (let i = 0; i < 1_000; i += 1) {
    const handle = db()
    if (!handle || (handle.pragma('freelist_count', { simple: true }) as number) === 0) break
    handle.pragma('incremental_vacuum(2000)')
    await breathe()
  }
  db()?.pragma('wal_checkpoint(TRUNCATE)')
}
