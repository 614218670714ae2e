import { useCallback, useEffect, useRef, useState } from 'react'
import type { ChannelOutput, DeliveryStatus, MaildockError } from '../../../../shared/contract'
import { useClient } from '../../transport/client'

export type Recent = ChannelOutput<'mail:recent'>

/** The recent emails matching the filter, reloaded (at most 4 times a second) as statuses change. */
export function useRecentEmails(status: DeliveryStatus | undefined, search: string, limit = 300) {
  const client = useClient()
  const [recent, setRecent] = useState<Recent | undefined>()
  const [error, setError] = useState<MaildockError | undefined>()
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)

  const load = useCallback(() => {
    client
      .call('mail:recent', {
        limit,
        ...(status === undefined ? {} : { status }),
        ...(search.trim() === '' ? {} : { search: search.trim() }),
      })
      .then(
        (result) => {
          setRecent(result)
          setError(undefined)
        },
        (failure: MaildockError) => setError(failure),
      )
  }, [client, status, search, limit])

  useEffect(() => {
    load()
    const stop = client.subscribe(
      'mail:changes',
      {},
      {
        data: (change) => {
          if (change.emails.length === 0 || pending.current !== undefined) return
          pending.current = setTimeout(() => {
            pending.current = undefined
            load()
          }, 250)
        },
      },
    )
    return () => {
      stop()
      clearTimeout(pending.current)
      pending.current = undefined
    }
  }, [client, load])

  return { recent, error, reload: load }
}
