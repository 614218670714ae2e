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
