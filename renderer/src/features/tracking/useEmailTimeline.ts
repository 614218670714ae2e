import { useCallback, useEffect, useState } from 'react'
import type { ChannelOutput, MaildockError } from '../../../../shared/contract'
import { useClient } from '../../transport/client'

export type Timeline = ChannelOutput<'mail:timeline'>

export interface TimelineState {
  timeline: Timeline | undefined
  /** The app has seen no event of this email yet (it may still be on its way). */
  waiting: boolean
  error: MaildockError | undefined
}

/** One email's timeline, loaded now and again whenever the email's status changes. */
export function useEmailTimeline(emailId: string | undefined): TimelineState {
  const client = useClient()
  const [state, setState] = useState<TimelineState & { id: string | undefined }>({
    id: emailId,
    timeline: undefined,
    waiting: true,
    error: undefined,
  })

  const load = useCallback(
    (id: string) => {
      client.call('mail:timeline', { emailId: id }).then(
        (timeline) => setState({ id, timeline, waiting: false, error: undefined }),
        (error: MaildockError) =>
          setState((prev) =>
            error.code === 'NOT_FOUND'
              ? { ...prev, id, waiting: true, error: undefined }
              : { ...prev, id, waiting: false, error },
          ),
      )
    },
    [client],
  )

  useEffect(() => {
    if (emailId === undefined) return
    load(emailId)
    return client.subscribe(
      'mail:changes',
      {},
      {
        data: (change) => {
          if (change.emails.some((email) => email.id === emailId)) load(emailId)
        },
      },
    )
  }, [client, emailId, load])

  return state.id === emailId ? state : { timeline: undefined, waiting: true, error: undefined }
}
