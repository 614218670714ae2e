import type { MailTimelineEntry } from '../../../shared/contract'
import type { MailMessage } from '../../../shared/messages'

/** How one request or event reads in an email's timeline. */
export function timelineEntry(message: MailMessage): MailTimelineEntry {
  if (message.kind === 'request') {
    const { request } = message
    const recipients = request.to.length + request.cc.length + request.bcc.length
    return {
      at: Date.parse(request.createdAt),
      kind: 'accepted',
      title: 'Accepted by the API',
      detail: `to ${request.to.join(', ')}${recipients > request.to.length ? ` (+${recipients - request.to.length} cc/bcc)` : ''} · stored as a persistent message, confirmed by the broker`,
    }
  }
  const { event } = message
  const at = Date.parse(event.at)
  const by = `${event.service} ${event.replica}`
  switch (event.type) {
    // Published by APIs before the request's own confirm was taken as the acceptance (history).
    case 'accepted':
      return {
        at,
        kind: 'queued',
        title: 'Queued on the broker',
        detail: 'stored as a persistent message, confirmed by the broker',
        by,
      }
    case 'retrying':
      return {
        at,
        kind: 'attempt-failed',
        title: `Attempt ${event.attempt} failed`,
        detail: `${event.reason} · next attempt in ${formatDelay(event.nextDelayMs)}`,
        attempt: event.attempt,
        ...(event.smtpCode === undefined ? {} : { smtpCode: event.smtpCode }),
        by,
      }
    case 'sent':
      return {
        at,
        kind: 'sent',
        title: `Sent (attempt ${event.attempt}, ${Math.round(event.durationMs)} ms)`,
        detail:
          event.unconfirmed === true
            ? `${event.smtp.response} (unconfirmed: the emailer stopped before the server's reply; the server most likely has it)`
            : event.smtp.response,
        attempt: event.attempt,
        by,
      }
    case 'failed':
      return {
        at,
        kind: 'failed',
        title: event.permanent
          ? 'Failed: rejected for good'
          : `Failed after ${event.attempt} attempts`,
        detail: event.reason,
        attempt: event.attempt,
        ...(event.smtpCode === undefined ? {} : { smtpCode: event.smtpCode }),
        by,
      }
    case 'dead-lettered':
      return {
        at,
        kind: 'dead-lettered',
        title: 'Moved to the dead-letter queue',
        detail: `${event.queue}: ${event.reason}`,
        attempt: event.attempt,
        by,
      }
    case 'retried':
      return {
        at,
        kind: 'retried',
        title: 'Retried by you from the dead-letter queue',
        detail: `sent back to ${event.queue}; attempts count from 1 again (manual retry ${event.round})`,
        by: 'MailDock',
      }
  }
}

export function formatDelay(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`
  return `${Math.round(ms / 6000) / 10} min`
}
