import type {
  DeliveryStatus,
  FailureAlert,
  MailStatusCounts,
  MailTimelineEntry,
  TrackedEmail,
} from '../../../shared/contract'
import { MaildockError } from '../../../shared/contract'
import type { OutcomeEvent } from '../../../shared/messages'
import type { MailMessage } from '../../../shared/messages'
import { timelineEntry } from './timeline'

interface Tracked {
  email: TrackedEmail
  entries: MailTimelineEntry[]
  seen: Set<string>
  /** The latest of retrying / failed / retried by hand, to tell which one is current. */
  lastTrouble: { at: number; status: 'retrying' | 'failed' | 'queued' } | undefined
  sent: boolean
  deadLetteredAt: number
  retriedAt: number
}

export interface TrackerOptions {
  /** Emails kept in memory; the oldest are forgotten first (the log store keeps everything). */
  capacity?: number
  flushEveryMs?: number
}

type ChangesListener = (change: { emails: TrackedEmail[]; counts: MailStatusCounts }) => void
type AlertListener = (alert: FailureAlert) => void

/**
 * Each email's delivery status and timeline, built from the requests and outcome events of the
 * app's subscription (live) and of the log store (history at start-up). Events may arrive in any
 * order and more than once: status is derived from what is known, not from arrival order.
 */
export class MailTracker {
  private readonly emails = new Map<string, Tracked>()
  private readonly changed = new Set<string>()
  private readonly changeListeners = new Set<ChangesListener>()
  private readonly alertListeners = new Set<AlertListener>()
  private flushTimer: NodeJS.Timeout | undefined

  constructor(private readonly options: TrackerOptions = {}) {}

  /** `live` is false for history read back at start-up: it never raises alerts. */
  apply(mail: MailMessage, live = true): void {
    const id = mail.kind === 'request' ? mail.request.id : mail.event.emailId
    const entry = timelineEntry(mail)
    const tracked = this.emails.get(id) ?? this.create(id, entry.at)
    const seenKey = mail.kind === 'request' ? 'request' : `${mail.event.eventId}@${entry.at}`
    if (tracked.seen.has(seenKey)) return
    tracked.seen.add(seenKey)
    tracked.entries.push(entry)
    tracked.entries.sort(byPhaseThenTime)
    const { email } = tracked
    if (mail.kind === 'request') {
      email.to = mail.request.to
      email.subject = mail.request.subject
      email.createdAt = Math.min(email.createdAt, entry.at)
    } else {
      this.applyEvent(tracked, mail.event, entry.at, live)
    }
    email.status = statusOf(tracked)
    email.updatedAt = Math.max(email.updatedAt, entry.at)
    this.markChanged(id)
  }

  private applyEvent(tracked: Tracked, event: OutcomeEvent, at: number, live: boolean): void {
    const { email } = tracked
    if ('attempt' in event) email.attempts = Math.max(email.attempts, event.attempt)
    if (event.type === 'accepted') {
      email.createdAt = Math.min(email.createdAt, at)
    } else if (event.type === 'sent') {
      tracked.sent = true
      email.detail = event.smtp.response
      delete email.smtpCode
      if (email.to.length === 0) email.to = event.smtp.accepted
    } else if (event.type === 'retried') {
      if (isLatestTrouble(tracked, at)) {
        tracked.lastTrouble = { at, status: 'queued' }
        if (!tracked.sent) email.detail = 'retried by you from the dead-letter queue'
        delete email.smtpCode
      }
      tracked.retriedAt = Math.max(tracked.retriedAt, at)
    } else {
      if (isLatestTrouble(tracked, at)) {
        tracked.lastTrouble = { at, status: event.type === 'retrying' ? 'retrying' : 'failed' }
        if (!tracked.sent) {
          email.detail = event.reason
          if ('smtpCode' in event && event.smtpCode !== undefined) email.smtpCode = event.smtpCode
        }
      }
      if (event.type === 'dead-lettered') {
        tracked.deadLetteredAt = Math.max(tracked.deadLetteredAt, at)
        if (live && !tracked.sent && at > tracked.retriedAt) this.alert(email, event.reason, at)
      }
    }
    email.deadLettered = tracked.deadLetteredAt > tracked.retriedAt
  }

  recent(filter: {
    status?: DeliveryStatus | undefined
    search?: string | undefined
    limit: number
  }): {
    emails: TrackedEmail[]
    counts: MailStatusCounts
  } {
    const needle = filter.search?.trim().toLowerCase() ?? ''
    const matches = [...this.emails.values()]
      .map((tracked) => tracked.email)
      .filter((email) => filter.status === undefined || email.status === filter.status)
      .filter((email) => needle === '' || matchesSearch(email, needle))
      .sort((a, b) => b.createdAt - a.createdAt)
    return { emails: matches.slice(0, filter.limit).map(copy), counts: this.counts() }
  }

  timeline(emailId: string): { email: TrackedEmail; entries: MailTimelineEntry[] } {
    const tracked = this.emails.get(emailId)
    if (tracked === undefined) {
      throw new MaildockError('NOT_FOUND', `No events for email ${emailId} yet`)
    }
    return { email: copy(tracked.email), entries: tracked.entries.map((entry) => ({ ...entry })) }
  }

  counts(): MailStatusCounts {
    const counts = { total: 0, queued: 0, retrying: 0, sent: 0, failed: 0 }
    for (const { email } of this.emails.values()) {
      counts.total += 1
      counts[email.status] += 1
    }
    return counts
  }

  onChanges(listener: ChangesListener): () => void {
    this.changeListeners.add(listener)
    return () => this.changeListeners.delete(listener)
  }

  onAlert(listener: AlertListener): () => void {
    this.alertListeners.add(listener)
    return () => this.alertListeners.delete(listener)
  }

  close(): void {
    clearTimeout(this.flushTimer)
  }

  private create(id: string, at: number): Tracked {
    const tracked: Tracked = {
      email: {
        id,
        to: [],
        status: 'queued',
        attempts: 0,
        createdAt: at,
        updatedAt: at,
        deadLettered: false,
      },
      entries: [],
      seen: new Set(),
      lastTrouble: undefined,
      sent: false,
      deadLetteredAt: -Infinity,
      retriedAt: -Infinity,
    }
    this.emails.set(id, tracked)
    const capacity = this.options.capacity ?? 50_000
    if (this.emails.size > capacity) {
      const oldest = this.emails.keys().next().value
      if (oldest !== undefined) this.emails.delete(oldest)
    }
    return tracked
  }

  private alert(email: TrackedEmail, reason: string, at: number): void {
    const alert: FailureAlert = {
      emailId: email.id,
      to: email.to,
      ...(email.subject === undefined ? {} : { subject: email.subject }),
      reason,
      ...(email.smtpCode === undefined ? {} : { smtpCode: email.smtpCode }),
      at,
    }
    for (const listener of this.alertListeners) listener(alert)
  }

  private markChanged(id: string): void {
    this.changed.add(id)
    this.flushTimer ??= setTimeout(() => this.flush(), this.options.flushEveryMs ?? 250)
  }

  private flush(): void {
    this.flushTimer = undefined
    const emails = [...this.changed].flatMap((id) => {
      const tracked = this.emails.get(id)
      return tracked === undefined ? [] : [copy(tracked.email)]
    })
    this.changed.clear()
    if (emails.length === 0 || this.changeListeners.size === 0) return
    const counts = this.counts()
    for (const listener of this.changeListeners) listener({ emails, counts })
  }
}

const isLatestTrouble = (tracked: Tracked, at: number): boolean =>
  tracked.lastTrouble === undefined || at >= tracked.lastTrouble.at

function statusOf(tracked: Tracked): DeliveryStatus {
  if (tracked.sent) return 'sent'
  return tracked.lastTrouble?.status ?? 'queued'
}

const ORDER: Record<MailTimelineEntry['kind'], number> = {
  accepted: 0,
  queued: 1,
  'attempt-failed': 2,
  sent: 3,
  failed: 4,
  'dead-lettered': 5,
  retried: 6,
}
const order = (entry: MailTimelineEntry) => ORDER[entry.kind]

/**
 * Accepted and queued first, then the attempts in time order. The API stamps its "queued" event
 * after the broker's confirm, by which time a fast emailer may already have tried the email.
 */
function byPhaseThenTime(a: MailTimelineEntry, b: MailTimelineEntry): number {
  const phase = (entry: MailTimelineEntry) => Math.min(order(entry), 2)
  return phase(a) - phase(b) || a.at - b.at || order(a) - order(b)
}

function matchesSearch(email: TrackedEmail, needle: string): boolean {
  return (
    email.id.toLowerCase().includes(needle) ||
    (email.subject ?? '').toLowerCase().includes(needle) ||
    email.to.some((address) => address.toLowerCase().includes(needle))
  )
}

function copy(email: TrackedEmail): TrackedEmail {
  return { ...email, to: [...email.to] }
}
