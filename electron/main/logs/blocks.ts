import type Database from 'better-sqlite3'

/** `entry_blocks` holds the newest ts of each run of this many ids (block = id >> 10). */
export const BLOCK_IDS = 1024

/** A migration step's progress: what it does, and how far it is (0 to 1) when it can tell. */
export type Progress = (message: string, fraction?: number) => void

const FILL_STEPS = 20

/**
 * Schema step: `entry_blocks`, kept by a trigger for rows to come, filled here for the rows a store
 * already has, from the time index in 20 time spans, each reported (about 2 s at 5M rows).
 * Deleted rows leave their block's time as it was: still an upper bound, which is all it is.
 */
export function createEntryBlocks(db: Database.Database, progress?: Progress): void {
  db.exec(`
    CREATE TABLE entry_blocks (block INTEGER PRIMARY KEY, max_ts INTEGER NOT NULL);
    CREATE TRIGGER entries_block_insert AFTER INSERT ON entries BEGIN
      INSERT INTO entry_blocks VALUES (new.id >> 10, new.ts)
      ON CONFLICT (block) DO UPDATE SET max_ts = excluded.max_ts WHERE excluded.max_ts > max_ts;
    END;
  `)
  const { lo, hi } = db.prepare('SELECT min(ts) AS lo, max(ts) AS hi FROM entries').get() as {
    lo: number | null
    hi: number | null
  }
  if (lo === null || hi === null) return
  const fill = db.prepare(`
    INSERT INTO entry_blocks (block, max_ts)
      SELECT id >> 10, max(ts) FROM entries WHERE ts >= @from AND ts < @to GROUP BY id >> 10
    ON CONFLICT (block) DO UPDATE SET max_ts = excluded.max_ts WHERE excluded.max_ts > max_ts`)
  const span = Math.ceil((hi + 1 - lo) / FILL_STEPS)
  for (let step = 0; step < FILL_STEPS; step += 1) {
    const from = lo + step * span
    fill.run({ from, to: step === FILL_STEPS - 1 ? hi + 1 : from + span })
    const done = (step + 1) / FILL_STEPS
    progress?.(
      `log store: indexing the time order for faster search, ${Math.round(done * 100)}%`,
      done,
    )
  }
}

/** Forgets the blocks below the oldest row left (after retention deleted rows). */
export function pruneEntryBlocks(db: Database.Database): void {
  db.prepare('DELETE FROM entry_blocks WHERE block < (SELECT min(id) FROM entries) >> 10').run()
}
