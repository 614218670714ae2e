import { useCallback, useState } from 'react'
import { formatClock } from './format'

export interface ViewLine {
  seq: number
  /** `skip` marks lines the producer dropped because the view fell behind. */
  kind: 'line' | 'skip'
  text: string
  time?: string
  stream?: 'stdout' | 'stderr'
}

export interface LogWindow {
  lines: ViewLine[]
  /** Lines dropped upstream (shown inline as markers too). */
  dropped: number
  /** Older lines let go because the window is full. */
  trimmed: number
  nextSeq: number
}

export const emptyWindow: LogWindow = { lines: [], dropped: 0, trimmed: 0, nextSeq: 0 }

/** Appends a batch, keeping at most `limit` lines: memory stays bounded however long it runs. */
export function appendToWindow(
  window: LogWindow,
  incoming: Array<Omit<ViewLine, 'seq' | 'kind'>>,
  dropped: number,
  limit: number,
): LogWindow {
  let seq = window.nextSeq
  const added: ViewLine[] = []
  if (dropped > 0)
    added.push({
      seq: seq++,
      kind: 'skip',
      text: `${dropped.toLocaleString()} lines skipped (the view fell behind)`,
    })
  for (const line of incoming) added.push({ ...line, seq: seq++, kind: 'line' })
  const all = window.lines.length + added.length > limit ? [...window.lines, ...added] : null
  const lines = all ? all.slice(all.length - limit) : window.lines.concat(added)
  return {
    lines,
    dropped: window.dropped + dropped,
    trimmed: window.trimmed + (all ? all.length - limit : 0),
    nextSeq: seq,
  }
}

export function useLogWindow(limit: number) {
  const [window, setWindow] = useState<LogWindow>(emptyWindow)
  const append = useCallback(
    (incoming: Array<Omit<ViewLine, 'seq' | 'kind'>>, dropped: number) =>
      setWindow((current) => appendToWindow(current, incoming, dropped, limit)),
    [limit],
  )
  const clear = useCallback(() => setWindow(emptyWindow), [])
  return { window, append, clear }
}

/** `2024-05-01T10:00:00.123456789Z` as local `10:00:00.123`. */
export function formatLogTime(time: string): string {
  const date = new Date(time.replace(/(\.\d{3})\d+/, '$1'))
  return Number.isNaN(date.getTime()) ? time : formatClock(date.getTime())
}
