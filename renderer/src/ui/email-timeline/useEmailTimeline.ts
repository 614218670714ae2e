import type { ChannelOutput, MaildockError } from '../../../../shared/contract'
import { useCall, useStream } from '../../transport/hooks'

export type Timeline = ChannelOutput<'mail:timeline'>

export interface TimelineState {
  timeline: Timeline | undefined
  /** The app has seen no event of this email yet (it may still be on its way). */
  waiting: boolean
  error: MaildockError | undefined
}

/** One email's timeline, loaded now and again whenever the email's status changes. */
export function useEmailTimeline(emailId: string | undefined): TimelineState {
  const { data, error, refresh } = useCall(
    'mail:timeline',
    { emailId: emailId ?? '' },
    { enabled: emailId !== undefined },
  )
  useStream(
    'mail:changes',
    {},
    {
      data: (change) => {
        if (change.emails.some((email) => email.id === emailId)) refresh()
      },
    },
    emailId ?? null,
  )
  // Not found yet: the app has not seen the email's first event.
  const notFound = error?.code === 'NOT_FOUND'
  return {
    timeline: data,
    waiting: notFound || (data === undefined && error === undefined),
    error: notFound ? undefined : error,
  }
}
