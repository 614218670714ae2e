// Shared checks for the stack's integration tests: exactly-once delivery counted at the
// catcher, and what the logger wrote to its file.
import { countByEmailId, type CatcherTestClient, type CatcherMessage } from './catcher-client'
import { delay, waitFor } from './docker-helpers'
import { errorMessage } from '../../../shared/error-message'

export interface DeliveryReport {
  messages: CatcherMessage[]
  counts: Map<string, number>
  missing: string[]
  duplicated: string[]
}

/**
 * Waits until every id has arrived at the catcher, then a little longer (`settleMs`) so a late
 * duplicate would show up too. Resolves with what arrived; the caller asserts on it.
 */
export async function waitForDelivery(
  catcher: () => CatcherTestClient,
  ids: readonly string[],
  timeoutMs: number,
  settleMs = 3000,
): Promise<DeliveryReport> {
  const wanted = new Set(ids)
  const report = async (): Promise<DeliveryReport> => {
    const messages = (await catcher().listAll()).filter((message) =>
      wanted.has(message.MessageID.replace(/@.*$/, '')),
    )
    const counts = countByEmailId(messages)
    return {
      messages,
      counts,
      missing: ids.filter((id) => !counts.has(id)),
      duplicated: ids.filter((id) => (counts.get(id) ?? 0) > 1),
    }
  }
  await waitFor(
    `${ids.length} emails at the catcher`,
    async () => ((await report()).missing.length === 0 ? true : undefined),
    timeoutMs,
    500,
  ).catch(() => undefined)
  await delay(settleMs)
  return report()
}

export interface LoggedRecord {
  kind: 'request' | 'event' | 'invalid'
  emailId?: string
  eventType?: string
  event?: { reason?: string; attempt?: number; type?: string; replica?: string }
  request?: { to: string[]; subject: string }
}

export function parseLogFile(text: string): LoggedRecord[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as LoggedRecord)
}

/** Distinct email ids among the records matching `where`. */
export function idsLogged(records: LoggedRecord[], where: (record: LoggedRecord) => boolean) {
  return new Set(records.filter(where).flatMap((record) => record.emailId ?? []))
}

/** Adds the stack's recent logs to a failure, since the containers are gone afterwards. */
export async function explained<T>(
  stack: { allLogs(tail?: number): Promise<string> },
  work: Promise<T>,
): Promise<T> {
  try {
    return await work
  } catch (error) {
    const logs = await stack.allLogs(40).catch(() => '')
    throw new Error(`${errorMessage(error)}\n${logs}`)
  }
}
