/** An email's outcome events, in the order they can happen (shared/messages publishes them). */
export const OUTCOME_EVENT_TYPES = [
  'accepted',
  'sent',
  'retrying',
  'failed',
  'dead-lettered',
  'retried',
] as const

/** `request` is the email itself; the rest are its outcome events. */
export const mailStatuses = ['request', ...OUTCOME_EVENT_TYPES] as const
