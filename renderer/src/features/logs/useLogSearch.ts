import { useCallback, useEffect, useRef, useState } from 'react'
import type { LogEntry, LogQuery, MaildockError } from '../../../../shared/contract'
import { useAction } from '../../transport/hooks'

const PAGE = 200

export interface LogSearchState {
  entries: LogEntry[]
  /** More (older) entries to load. */
  more: boolean
  loading: boolean
  error: MaildockError | undefined
  notice: string | null
  tookMs: number | null
}

const initial: LogSearchState = {
  entries: [],
  more: false,
  loading: true,
  error: undefined,
  notice: null,
  tookMs: null,
}

/** Keyset-paged search: the first page when the query changes, the next on loadMore(). */
export function useLogSearch(query: LogQuery, refreshKey = 0) {
  const { call } = useAction()
  const [state, setState] = useState<LogSearchState>(initial)
  const cursor = useRef<string | null>(null)
  const generation = useRef(0)
  const loading = useRef(false)
  const key = JSON.stringify(query)

  const fetchPage = useCallback(
    (first: boolean) => {
      const mine = first ? ++generation.current : generation.current
      if (!first && (cursor.current === null || loading.current)) return
      loading.current = true
      setState((current) => (first ? { ...initial } : { ...current, loading: true }))
      call('logs:search', {
        query,
        limit: PAGE,
        ...(first || cursor.current === null ? {} : { cursor: cursor.current }),
      })
        .then((page) => {
          if (mine !== generation.current) return
          cursor.current = page.nextCursor
          setState((current) => ({
            entries: first ? page.entries : current.entries.concat(page.entries),
            more: page.nextCursor !== null,
            loading: false,
            error: undefined,
            notice: page.notice,
            tookMs: page.tookMs,
          }))
        })
        .catch((error: MaildockError) => {
          if (mine !== generation.current) return
          setState((current) => ({ ...current, loading: false, error }))
        })
        .finally(() => {
          if (mine === generation.current) loading.current = false
        })
    },
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `query`
    [call, key],
  )

  useEffect(() => {
    cursor.current = null
    fetchPage(true)
  }, [fetchPage, refreshKey])

  return { ...state, loadMore: () => fetchPage(false), reload: () => fetchPage(true) }
}
