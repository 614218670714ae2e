import { useEffect, useRef } from 'react'
import type { DeliveryStatus } from '../../../../shared/contract'
import { useCall, useStream } from '../../transport/hooks'

/** The recent emails matching the filter, reloaded (at most 4 times a second) as statuses change. */
export function useRecentEmails(status: DeliveryStatus | undefined, search: string, limit = 300) {
  const { data, error, refresh } = useCall(
    'mail:recent',
    {
      limit,
      ...(status === undefined ? {} : { status }),
      ...(search.trim() === '' ? {} : { search: search.trim() }),
    },
    { keepPrevious: true },
  )
  const pending = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  useStream(
    'mail:changes',
    {},
    {
      data: (change) => {
        if (change.emails.length === 0 || pending.current !== undefined) return
        pending.current = setTimeout(() => {
          pending.current = undefined
          refresh()
        }, 250)
      },
    },
  )
  useEffect(
    () => () => {
      clearTimeout(pending.current)
      pending.current = undefined
    },
    [],
  )
  return { recent: data, error, reload: refresh }
}
