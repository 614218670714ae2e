import type { DeliveryStatus, MailTimelineEntry } from '../../../../shared/contract'

export const statusColor: Record<DeliveryStatus, string> = {
  queued: 'blue',
  retrying: 'yellow',
  sent: 'green',
  failed: 'red',
}

export const entryColor: Record<MailTimelineEntry['kind'], string> = {
  accepted: 'gray',
  queued: 'blue',
  'attempt-failed': 'yellow',
  sent: 'green',
  failed: 'red',
  'dead-lettered': 'red',
  retried: 'violet',
}

export function formatTime(ms: number): string {
  const date = new Date(ms)
  const time = date.toLocaleTimeString(undefined, { hour12: false })
  const millis = String(date.getMilliseconds()).padStart(3, '0')
  return `${time}.${millis}`
}

export function formatAgo(ms: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - ms) / 1000))
  if (seconds < 60) return `${seconds} s ago`
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`
  if (seconds < 86_400) return `${Math.round(seconds / 3600)} h ago`
  return new Date(ms).toLocaleDateString()
}
