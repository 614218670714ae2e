import { useEffect, useState } from 'react'
import type { MailboxPage, MailboxStatus } from '../../../../shared/contract'
import { useClient } from '../../transport/client'
import { useSubscription } from '../../transport/hooks'
import { errorMessage } from '../../ui/notify'

/** The catcher's status, live (new messages, deletes, chaos). */
export function useMailboxStatus(): MailboxStatus | undefined {
  return useSubscription('mailbox:changes', {}).data
}

const PAGE = 1_000

/** Messages matching `search`, newest first, reloaded whenever the mailbox changes. */
export function useMailboxMessages(status: MailboxStatus | undefined, search: string) {
  const client = useClient()
  const [page, setPage] = useState<MailboxPage | undefined>()
  const [error, setError] = useState<string | undefined>()
  const [limit, setLimit] = useState(PAGE)
  const change = `${status?.available}/${status?.total}/${status?.newestId}`
  useEffect(() => {
    if (status?.available !== true) return
    let live = true
    client
      .call('mailbox:list', {
        limit: Math.min(limit, PAGE),
        start: 0,
        ...(search === '' ? {} : { search }),
      })
      .then(
        async (first) => {
          // Deeper pages are fetched as the list scrolls towards them.
          let merged = first
          for (let start = PAGE; start < limit && start < first.matching; start += PAGE) {
            const next = await client.call('mailbox:list', {
              limit: PAGE,
              start,
              ...(search === '' ? {} : { search }),
            })
            merged = { ...merged, messages: [...merged.messages, ...next.messages] }
          }
          if (live) {
            setPage(merged)
            setError(undefined)
          }
        },
        (reason: unknown) => live && setError(errorMessage(reason)),
      )
    return () => {
      live = false
    }
  }, [client, change, search, limit, status?.available])
  const more = page !== undefined && page.messages.length < page.matching
  return { page, error, more, loadMore: () => setLimit((current) => current + PAGE) }
}
