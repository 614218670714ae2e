import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type {
  ErrorPayload,
  EventInput,
  LogEntry,
  LogTailBatch,
  TailLine,
} from '../../../../shared/contract'
import { useAction, useStream } from '../../transport/hooks'
import {
  appendBatches,
  clearTail,
  emptyTail,
  pause,
  prependOlder,
  resume,
  type TailBuffer,
} from './tail-buffer'
import { frameSchedule, type FrameSchedule } from './frame-schedule'

/**
 * The least time between two renders of new lines: batches arriving meanwhile are drawn together,
 * at most once per animation frame. Main sends every ~50 ms; ten draws a second are plenty for a
 * flood and leave most frames free.
 */
const RENDER_EVERY_MS = 100
const OLDER_PAGE = 500

export interface TailSelection {
  services: string[]
  /** Stack containers by name (stored) and other containers by id (live only). */
  containers: string[]
  /** Whether some of the selection is stored, so older lines can be read back. */
  stored: boolean
}

/** Everything about one stream; a new selection (or a reconnect) starts a new one. */
interface StreamState {
  key: string
  buffer: TailBuffer
  error: ErrorPayload | undefined
  noOlder: boolean
}

const fresh = (key: string): StreamState => ({
  key,
  buffer: emptyTail,
  error: undefined,
  noOlder: false,
})

/** Applies a change to one stream's state (a state left from another stream is dropped). */
type UpdateStream = (key: string, change: (state: StreamState) => StreamState) => void

const toLine = (entry: LogEntry): TailLine => ({
  key: entry.key,
  ts: entry.ts,
  service: entry.service,
  container: entry.container ?? entry.service,
  stream: entry.stream ?? 'stdout',
  level: entry.level,
  text: entry.raw,
})

/**
 * Follows `logs:tail` for one stream; batches are drawn together on an animation frame, at most
 * once every RENDER_EVERY_MS.
 */
function useBatchedTail(input: EventInput<'logs:tail'>, streamKey: string, update: UpdateStream) {
  const queue = useRef<LogTailBatch[]>([])
  const schedule = useRef<FrameSchedule | undefined>(undefined)
  useEffect(() => {
    const next = frameSchedule(() => {
      const batches = queue.current.splice(0)
      update(streamKey, (s) => ({
        ...s,
        buffer: appendBatches(s.buffer, batches),
      }))
    }, RENDER_EVERY_MS)
    schedule.current = next
    return () => {
      next.cancel()
      queue.current = []
    }
  }, [streamKey, update])
  useStream(
    'logs:tail',
    input,
    {
      data: (batch) => {
        queue.current.push(batch)
        schedule.current?.request()
      },
      error: (error) => update(streamKey, (s) => ({ ...s, error })),
    },
    streamKey,
  )
}

/** The live tail of a selection: a bounded buffer, pause/resume, and older lines on demand. */
export function useTail(selection: TailSelection, history = 500) {
  const { call } = useAction()
  const [generation, setGeneration] = useState(0)
  const streamKey = `${JSON.stringify(selection)}#${generation}`
  const [state, setState] = useState<StreamState>(() => fresh(streamKey))
  const [loadingOlder, setLoadingOlder] = useState(false)
  const current = state.key === streamKey ? state : fresh(streamKey)
  const currentRef = useRef(current)
  useEffect(() => {
    currentRef.current = current
  })

  const update = useCallback<UpdateStream>(
    (key, change) => setState((previous) => change(previous.key === key ? previous : fresh(key))),
    [],
  )

  const input: EventInput<'logs:tail'> = { history }
  if (selection.services.length > 0) input.services = selection.services
  if (selection.containers.length > 0) input.containers = selection.containers
  useBatchedTail(input, streamKey, update)

  const loadOlder = useCallback(async (): Promise<number> => {
    if (!selection.stored || loadingOlder) return 0
    const oldest = currentRef.current.buffer.lines[0]
    setLoadingOlder(true)
    try {
      const { services, containers } = selection
      const result = await call('logs:search', {
        query: {
          sources: ['container'],
          ...(services.length > 0 ? { services } : {}),
          ...(services.length === 0 && containers.length > 0 ? { containers } : {}),
          ...(oldest ? { to: oldest.ts + 1 } : {}),
        },
        limit: OLDER_PAGE,
      })
      const older = result.entries.map(toLine).reverse()
      update(streamKey, (s) => ({
        ...s,
        buffer: prependOlder(pause(s.buffer), older).buffer,
        noOlder: result.nextCursor === null,
      }))
      // How many lines went in front (to keep the one on screen in place).
      return prependOlder(currentRef.current.buffer, older).added
    } finally {
      setLoadingOlder(false)
    }
  }, [call, loadingOlder, selection, streamKey, update])

  // The same functions from render to render, so controls drawn from them need not redraw.
  const actions = useMemo(() => {
    const change = (fn: (buffer: TailBuffer) => TailBuffer) => () =>
      update(streamKey, (s) => ({ ...s, buffer: fn(s.buffer) }))
    return {
      pause: change(pause),
      resume: change((buffer) => resume(buffer)),
      clear: change(clearTail),
      retry: () => setGeneration((n) => n + 1),
    }
  }, [streamKey, update])

  return {
    buffer: current.buffer,
    error: current.error,
    noOlder: current.noOlder,
    loadingOlder,
    loadOlder,
    ...actions,
  }
}

export type TailState = ReturnType<typeof useTail>
