import type Database from 'better-sqlite3'

/** Turns a current log file back into one at schema 3, as a MailDock of then left it. */
export function backToSchema3(db: Database.Database): void {
  // What the steps after version 3 added: entry blocks, alerts, word pairs, block words.
  db.exec(`
    DROP TRIGGER entries_block_insert; DROP TABLE entry_blocks;
    DROP TRIGGER entries_alert_insert; DROP TABLE entry_alerts;
    DROP TRIGGER entries_pairs_insert; DROP TRIGGER entries_pairs_delete; DROP TABLE entries_pairs;
    DROP TABLE entries_pairs_pending;
    DROP TRIGGER block_words_insert; DROP TRIGGER block_words_delete;
    DROP TABLE block_words; DROP TABLE block_words_sealed;
    PRAGMA user_version = 3;`)
}
