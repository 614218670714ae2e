import type { SendReport } from '../../../shared/contract'

/** One input row of a send as recorded: what the app knew when it was submitted. */
export interface SendRecordRow {
  row: number
  to: string | null
  emailId: string | null
  status: 'invalid' | 'pending' | 'accepted' | 'failed' | 'cancelled'
  error: string | null
}

export interface SendRecord {
  name: string
  kind: SendReport['kind']
  createdAt: number
  rows: SendRecordRow[]
}

/** What the log store knows of one email's delivery (its outcome events). */
export interface EmailOutcome {
  sent: boolean
  retries: number
  failed: boolean
  deadLettered: boolean
  /** The latest event's text: the SMTP reply or the failure's reason. */
  detail: string | null
}

/**
 * Where sends are kept durably (the log store implements it): each send's name and rows, and
 * the outcome events of their emails.
 */
export interface SendLedger {
  /** Records a send and all its rows; a send of the same name is replaced. */
  open(record: SendRecord): Awaitable<void>
  /** Updates rows of a recorded send (their status, email id, error). */
  update(name: string, rows: readonly SendRecordRow[]): Awaitable<void>
  read(name: string): Awaitable<SendRecord | undefined>
  outcomes(name: string): Awaitable<Map<string, EmailOutcome>>
}

/** The log store answers from its worker thread; a store used directly, at once. */
type Awaitable<T> = T | Promise<T>

/** The email ids the catcher holds for a send (by its tag, or its one id), or why it cannot say. */
export type CaughtSource = (
  name: string,
  kind: SendRecord['kind'],
) => Promise<{ ids: Set<string> } | { note: string }>
