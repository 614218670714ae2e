import { useMemo, useState } from 'react'
import type { ErrorPayload, EventData, EventInput, EventName } from '../../../shared/contract'
import { useStream } from '../transport/hooks'
import { useLogWindow, type LogWindow, type ViewLine } from './log-window'

type Incoming = Array<Omit<ViewLine, 'seq' | 'kind'>>

export interface LogStream {
  window: LogWindow
  clear: () => void
  /** The stream is over: the source stopped, or it failed (then `error` says why). */
  ended: boolean
  error: ErrorPayload | null
}

/**
 * Follows one log subscription into a bounded window of lines. Mount it afresh (a new React key)
 * to follow again from the start.
 */
export function useLogStream<E extends EventName>(
  event: E,
  input: EventInput<E>,
  toLines: (data: EventData<E>) => { lines: Incoming; dropped: number },
  limit: number,
): LogStream {
  const { window, append, clear } = useLogWindow(limit)
  const [ended, setEnded] = useState(false)
  const [error, setError] = useState<ErrorPayload | null>(null)
  useStream(event, input, {
    data: (data) => {
      const { lines, dropped } = toLines(data)
      append(lines, dropped)
    },
    error: (failure) => {
      setError(failure)
      setEnded(true)
    },
    end: () => setEnded(true),
  })
  return { window, clear, ended, error }
}

/** The lines a search (any case) and a stream choice leave; skip markers always stay. */
export function useShownLines(
  lines: ViewLine[],
  search: string,
  streams: 'all' | 'stdout' | 'stderr' = 'all',
): ViewLine[] {
  return useMemo(() => {
    const needle = search.toLowerCase()
    if (streams === 'all' && !needle) return lines
    return lines.filter(
      (line) =>
        line.kind === 'skip' ||
        ((streams === 'all' || line.stream === streams) &&
          (!needle || line.text.toLowerCase().includes(needle))),
    )
  }, [lines, search, streams])
}

/** What an empty pane says: `idle` while nothing arrived, else which search or stream hid it all. */
export function emptyLogText(
  received: number,
  search: string,
  streams: 'all' | 'stdout' | 'stderr',
  idle: string,
): string {
  if (received === 0) return idle
  if (search) return `No lines match “${search}”`
  return streams === 'all' ? idle : `No ${streams} lines`
}
