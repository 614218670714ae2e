import type Database from 'better-sqlite3'

/** `entry_blocks` holds the newest ts of each run of this many ids (block = id >> 10). */
export const BLOCK_IDS = 1024

/** A migration step's progress: what it does, and how far it is (0 to 1) when it can tell. */
export type Progress = (message: string, fraction?: number) => void

const FILL_STEPS = 20

/**
 * Runs `fill` over the stored rows' times in FILL_STEPS spans of [from, to), oldest first, and
 * reports each as `what`'s progress.
 */
function fillByTimeSpans(
  db: Database.Database,
  fill: (range: { from: number; to: number }) => void,
  what: string,
  progress: Progress | undefined,
): void {
  const { lo, hi } = db.prepare('SELECT min(ts) AS lo, max(ts) AS hi FROM entries').get() as {
    lo: number | null
    hi: number | null
  }
  if (lo === null || hi === null) return
  const span = Math.ceil((hi + 1 - lo) / FILL_STEPS)
  for (let step = 0; step < FILL_STEPS; step += 1) {
    const from = lo + step * span
    fill({ from, to: step === FILL_STEPS - 1 ? hi + 1 : from + span })
    const done = (step + 1) / FILL_STEPS
    progress?.(`log store: ${what}, ${Math.round(done * 100)}%`, done)
  }
}

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
  const fill = db.prepare(`
    INSERT INTO entry_blocks (block, max_ts)
      SELECT id >> 10, max(ts) FROM entries WHERE ts >= @from AND ts < @to GROUP BY id >> 10
    ON CONFLICT (block) DO UPDATE SET max_ts = excluded.max_ts WHERE excluded.max_ts > max_ts`)
  fillByTimeSpans(
    db,
    (range) => fill.run(range),
    'indexing the time order for faster search',
    progress,
  )
}

/** Forgets the blocks below the oldest row left (after retention deleted rows). */
export function pruneEntryBlocks(db: Database.Database): void {
  db.prepare('DELETE FROM entry_blocks WHERE block < (SELECT min(id) FROM entries) >> 10').run()
  db.prepare('DELETE FROM entry_alerts WHERE block < (SELECT min(id) FROM entries) >> 10').run()
}

/** Levels a histogram bar counts apart from the rest (`warn`; `error` with `fatal`). */
export const ALERT_LEVELS = "('warn', 'error', 'fatal')"

/**
 * Schema step: each block's oldest time beside its newest, and `entry_alerts`, each block's warn,
 * error and fatal rows as the offsets of their ids in the block (3 hex digits each), so that a full-text
 * histogram places whole blocks of matches by the index alone. Kept by triggers, filled here for
 * the rows a store has in 20 time spans, each reported. Deleted rows leave both as they were: the
 * times are still bounds, and an offset only marks a row to read.
 */
export function addBlockSpansAndAlerts(db: Database.Database, progress?: Progress): void {
  db.exec(`
    DROP TRIGGER entries_block_insert;
    DROP TABLE entry_blocks;
    CREATE TABLE entry_blocks (
      block INTEGER PRIMARY KEY, max_ts INTEGER NOT NULL, min_ts INTEGER NOT NULL
    );
    CREATE TRIGGER entries_block_insert AFTER INSERT ON entries BEGIN
      INSERT INTO entry_blocks VALUES (new.id >> 10, new.ts, new.ts)
      ON CONFLICT (block) DO UPDATE
        SET max_ts = max(max_ts, excluded.max_ts), min_ts = min(min_ts, excluded.min_ts)
        WHERE excluded.max_ts > max_ts OR excluded.min_ts < min_ts;
    END;
    CREATE TABLE entry_alerts (block INTEGER PRIMARY KEY, offsets TEXT NOT NULL);
    CREATE TRIGGER entries_alert_insert AFTER INSERT ON entries
    WHEN new.level IN ${ALERT_LEVELS} BEGIN
      INSERT INTO entry_alerts VALUES (new.id >> 10, printf('%03x', new.id & 1023))
      ON CONFLICT (block) DO UPDATE SET offsets = offsets || excluded.offsets;
    END;
  `)
  const spans = db.prepare(`
    INSERT INTO entry_blocks (block, max_ts, min_ts)
      SELECT id >> 10, max(ts), min(ts) FROM entries WHERE ts >= @from AND ts < @to GROUP BY 1
    ON CONFLICT (block) DO UPDATE
      SET max_ts = max(max_ts, excluded.max_ts), min_ts = min(min_ts, excluded.min_ts)`)
  const alerts = db.prepare(`
    INSERT INTO entry_alerts (block, offsets)
      SELECT id >> 10, group_concat(printf('%03x', id & 1023), '') FROM entries
      WHERE level IN ${ALERT_LEVELS} AND ts >= @from AND ts < @to GROUP BY 1
    ON CONFLICT (block) DO UPDATE SET offsets = offsets || excluded.offsets`)
  fillByTimeSpans(
    db,
    (range) => {
      spans.run(range)
      alerts.run(range)
    },
    'indexing time spans and warnings for faster histograms',
    progress,
  )
}
