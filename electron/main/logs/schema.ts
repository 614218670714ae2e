import type Database from 'better-sqlite3'
import { addBlockSpansAndAlerts, createEntryBlocks, type Progress } from './blocks'
import { createBlockWords, resealBlockPairs, resealBlockWords } from './block-words'
import { createSendTables } from './sends'
import { createWordPairs, deferWordPairs } from './word-pairs'

/*
 * Schema migrations, one function per version, applied in order inside a transaction each;
 * `PRAGMA user_version` holds the version the file is at. Append, never edit a shipped one.
 *
 * entries: every mail event and container line. Subject and recipients live once per email in
 * `emails` / `email_recipients` (a request may arrive after its events; the join always sees it).
 * counts: a per-minute rollup kept by triggers, for histograms over long ranges.
 * entries_fts: an external-content FTS5 index over entries.text, kept in step by triggers.
 */
const MIGRATIONS: ReadonlyArray<(db: Database.Database, progress?: Progress) => void> = [
  (db) => {
    db.exec(`
      CREATE TABLE entries (
        id INTEGER PRIMARY KEY,
        ts INTEGER NOT NULL,
        source TEXT NOT NULL,
        service TEXT NOT NULL,
        container TEXT,
        stream TEXT,
        level TEXT NOT NULL,
        email_id TEXT,
        status TEXT,
        text TEXT NOT NULL,
        raw TEXT,
        dedup INTEGER NOT NULL
      );
      CREATE UNIQUE INDEX entries_dedup ON entries(dedup);
      CREATE INDEX entries_ts ON entries(ts);
      CREATE INDEX entries_email ON entries(email_id, ts) WHERE email_id IS NOT NULL;
      CREATE INDEX entries_service_ts ON entries(service, ts);
      CREATE INDEX entries_container_ts ON entries(container, ts) WHERE container IS NOT NULL;
      CREATE INDEX entries_level_ts ON entries(level, ts);
      CREATE INDEX entries_status_ts ON entries(status, ts) WHERE status IS NOT NULL;

      CREATE TABLE emails (
        email_id TEXT PRIMARY KEY,
        subject TEXT,
        first_ts INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE email_recipients (
        address TEXT NOT NULL,
        email_id TEXT NOT NULL,
        PRIMARY KEY (address, email_id)
      ) WITHOUT ROWID;
      CREATE INDEX email_recipients_email ON email_recipients(email_id);

      -- Entries per minute, service, level, status and source: histograms without a scan.
      CREATE TABLE counts (
        minute INTEGER NOT NULL,
        service TEXT NOT NULL,
        level TEXT NOT NULL,
        status TEXT NOT NULL,
        source TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (minute, service, level, status, source)
      ) WITHOUT ROWID;
      CREATE TRIGGER entries_count_insert AFTER INSERT ON entries BEGIN
        INSERT INTO counts VALUES
          (new.ts / 60000, new.service, new.level, coalesce(new.status, ''), new.source, 1)
        ON CONFLICT DO UPDATE SET n = n + 1;
      END;
      CREATE TRIGGER entries_count_delete AFTER DELETE ON entries BEGIN
        UPDATE counts SET n = n - 1
        WHERE minute = old.ts / 60000 AND service = old.service AND level = old.level
          AND status = coalesce(old.status, '') AND source = old.source;
      END;

      CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

      CREATE VIRTUAL TABLE entries_fts USING fts5(
        text, content='entries', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
      );
      -- Fewer merges while writing; retention merges in the background.
      INSERT INTO entries_fts(entries_fts, rank) VALUES ('automerge', 8);
      CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
        INSERT INTO entries_fts(rowid, text) VALUES (new.id, new.text);
      END;
      CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
        INSERT INTO entries_fts(entries_fts, rowid, text) VALUES ('delete', old.id, old.text);
      END;
    `)
  },
  // sends / send_rows: each send's rows and email ids, for its delivery report.
  createSendTables,
  // A service filter with a level filter (the Logs panel's usual pair) walks either index in time
  // order and reads no row: the other column is in the index too.
  (db) => {
    db.exec(`
      DROP INDEX entries_service_ts;
      DROP INDEX entries_level_ts;
      CREATE INDEX entries_service_ts_level ON entries(service, ts, level);
      CREATE INDEX entries_level_ts_service ON entries(level, ts, service);
    `)
  },
  // entry_blocks: the newest time of every 1,024 ids, so a search can stop reading matches early.
  createEntryBlocks,
  // The oldest time of each block too, and its warn/error rows: full-text histograms by block.
  addBlockSpansAndAlerts,
  // entries_pairs: each row's adjacent word pairs, so a phrase that never occurs is seen at once.
  createWordPairs,
  // The pairs of a transaction's rows in one FTS5 statement at its end, not one per row.
  deferWordPairs,
  // block_words: each sealed block's frequent words, so a common word's histogram reads no match.
  createBlockWords,
  // Blocks sealed when they kept words of 32 rows or more: sealed again with those of 4 or more.
  resealBlockWords,
  // Blocks sealed with their words only: sealed again with their word pairs (two-word phrases).
  resealBlockPairs,
]

export const SCHEMA_VERSION = MIGRATIONS.length

export class NewerSchemaError extends Error {}

/** Brings the file up to SCHEMA_VERSION; refuses a file written by a newer MailDock. */
export function migrate(db: Database.Database, progress?: Progress): number {
  const current = db.pragma('user_version', { simple: true }) as number
  if (current > SCHEMA_VERSION) {
    throw new NewerSchemaError(
      `the log database is at schema version ${current}, newer than this MailDock knows (${SCHEMA_VERSION})`,
    )
  }
  for (let version = current; version < SCHEMA_VERSION; version += 1) {
    const step = MIGRATIONS[version]
    if (!step) break
    // A file several versions behind fills one bar: each step its share of it.
    const steps = SCHEMA_VERSION - current
    const done = version - current
    const told: Progress | undefined =
      progress && ((message, fraction = 0) => progress(message, (done + fraction) / steps))
    db.transaction(() => {
      step(db, told)
      db.pragma(`user_version = ${version + 1}`)
    })()
  }
  return SCHEMA_VERSION
}
