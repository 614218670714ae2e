import type Database from 'better-sqlite3'
import type { EmailOutcome, SendLedger, SendRecord, SendRecordRow } from '../mail'

/*
 * Sends and their rows in the log database (schema version 2), so a send's delivery report can
 * be built after a restart: each row's email id joins the outcome events stored in `entries`.
 */
export function createSendTables(db: Database.Database): void {
  db.exec(`
    CREATE TABLE sends (
      name TEXT PRIMARY KEY,
      kind TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE send_rows (
      send TEXT NOT NULL,
      row INTEGER NOT NULL,
      recipient TEXT,
      email_id TEXT,
      status TEXT NOT NULL,
      error TEXT,
      PRIMARY KEY (send, row)
    ) WITHOUT ROWID;
  `)
}

const OUTCOME_STATUSES = "('sent', 'retrying', 'failed', 'dead-lettered', 'retried')"

interface OutcomeRow {
  emailId: string
  status: string
  n: number
  /** The newest entry of that status: a retry from the dead-letter queue undoes older failures. */
  last: number
}

/** The log store's SendLedger: plain statements on the store's connection. */
export class StoreSendLedger implements SendLedger {
  constructor(private readonly database: () => Database.Database) {}

  open(record: SendRecord): void {
    const db = this.database()
    db.transaction(() => {
      db.prepare('DELETE FROM send_rows WHERE send = ?').run(record.name)
      db.prepare(
        'INSERT INTO sends (name, kind, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, created_at = excluded.created_at',
      ).run(record.name, record.kind, record.createdAt)
      this.write(db, record.name, record.rows)
    })()
  }

  update(name: string, rows: readonly SendRecordRow[]): void {
    if (rows.length === 0) return
    const db = this.database()
    db.transaction(() => this.write(db, name, rows))()
  }

  read(name: string): SendRecord | undefined {
    const db = this.database()
    const send = db
      .prepare('SELECT name, kind, created_at AS createdAt FROM sends WHERE name = ?')
      .get(name) as Omit<SendRecord, 'rows'> | undefined
    if (send === undefined) return undefined
    const rows = db
      .prepare(
        'SELECT row, recipient AS "to", email_id AS emailId, status, error FROM send_rows WHERE send = ? ORDER BY row',
      )
      .all(name) as SendRecordRow[]
    return { ...send, rows }
  }

  outcomes(name: string): Map<string, EmailOutcome> {
    const db = this.database()
    const counted = db
      .prepare(
        `SELECT r.email_id AS emailId, e.status AS status, count(*) AS n, max(e.id) AS last
         FROM send_rows r JOIN entries e ON e.email_id = r.email_id
         WHERE r.send = ? AND e.status IN ${OUTCOME_STATUSES}
         GROUP BY r.email_id, e.status`,
      )
      .all(name) as OutcomeRow[]
    const latest = db
      .prepare(
        `SELECT email_id AS emailId, text FROM entries WHERE id IN (
           SELECT max(e.id) FROM send_rows r JOIN entries e ON e.email_id = r.email_id
           WHERE r.send = ? AND e.status IN ${OUTCOME_STATUSES} GROUP BY r.email_id)`,
      )
      .all(name) as { emailId: string; text: string }[]
    const outcomes = new Map<string, EmailOutcome>()
    const of = (emailId: string): EmailOutcome => {
      let outcome = outcomes.get(emailId)
      if (outcome === undefined) {
        outcome = { sent: false, retries: 0, failed: false, deadLettered: false, detail: null }
        outcomes.set(emailId, outcome)
      }
      return outcome
    }
    const lastRetried = new Map<string, number>()
    for (const row of counted) if (row.status === 'retried') lastRetried.set(row.emailId, row.last)
    for (const { emailId, status, n, last } of counted) {
      const outcome = of(emailId)
      if (status === 'sent') outcome.sent = true
      else if (status === 'retrying' || status === 'retried') outcome.retries += n
      else if (status === 'failed') outcome.failed = last > (lastRetried.get(emailId) ?? 0)
      else outcome.deadLettered = last > (lastRetried.get(emailId) ?? 0)
    }
    for (const { emailId, text } of latest) of(emailId).detail = text
    return outcomes
  }

  private write(db: Database.Database, name: string, rows: readonly SendRecordRow[]): void {
    const upsert = db.prepare(
      `INSERT INTO send_rows (send, row, recipient, email_id, status, error) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (send, row) DO UPDATE SET recipient = excluded.recipient,
         email_id = excluded.email_id, status = excluded.status, error = excluded.error`,
    )
    for (const row of rows) upsert.run(name, row.row, row.to, row.emailId, row.status, row.error)
  }
}
