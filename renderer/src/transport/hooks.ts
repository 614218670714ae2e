import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import {
  MaildockError,
  type ChannelInput,
  type ChannelName,
  type ChannelOutput,
  type ErrorPayload,
  type EventData,
  type EventInput,
  type EventName,
  type MaildockClient,
} from '../../../shared/contract'
import { useClient } from './client'

/** What a load gives a panel: the latest answer, the latest failure, and a way to load again. */
export interface Loaded<T> {
  data: T | undefined
  error: MaildockError | undefined
  /** True until the first answer (or error) for the current input arrives. */
  loading: boolean
  refresh: () => void
}

const asMaildockError = (error: unknown): MaildockError =>
  error instanceof MaildockError
    ? error
    : new MaildockError('INTERNAL', error instanceof Error ? error.message : String(error))

/** Keeps the latest value in a ref, so effects can read it without restarting. */
export function useLatest<T>(value: T): { readonly current: T } {
  const ref = useRef(value)
  useLayoutEffect(() => {
    ref.current = value
  })
  return ref
}

interface LoadState<T> {
  key: string | null
  data: T | undefined
  error: MaildockError | undefined
  settled: boolean
}

/**
 * Runs `load` now and on every `refresh()` and `key` change; `key` null waits. Loads never
 * overlap: a refresh during a load causes exactly one more load, and answers for an old key are
 * dropped. A failed reload keeps the last data next to the error.
 */
export function useLoader<T>(
  load: (client: MaildockClient) => Promise<T>,
  key: string | null,
  keepPrevious = false,
): Loaded<T> {
  const client = useClient()
  const [state, setState] = useState<LoadState<T>>({
    key,
    data: undefined,
    error: undefined,
    settled: false,
  })
  const loadRef = useLatest(load)
  const keyRef = useLatest(key)
  const running = useRef(false)
  const again = useRef(false)
  const mounted = useRef(true)

  const refresh = useCallback(() => {
    if (keyRef.current === null) return
    if (running.current) {
      again.current = true
      return
    }
    running.current = true
    const loop = async (): Promise<void> => {
      do {
        again.current = false
        const loadKey = keyRef.current
        const current = () => mounted.current && loadKey === keyRef.current
        try {
          const data = await loadRef.current(client)
          if (current()) setState({ key: loadKey, data, error: undefined, settled: true })
        } catch (error) {
          if (current())
            setState((prev) => ({
              key: loadKey,
              data: prev.key === loadKey || keepPrevious ? prev.data : undefined,
              error: asMaildockError(error),
              settled: true,
            }))
        }
      } while (again.current && mounted.current)
      running.current = false
    }
    void loop()
  }, [client, keyRef, loadRef, keepPrevious])

  useEffect(() => {
    mounted.current = true
    return () => {
      mounted.current = false
    }
  }, [])
  useEffect(() => {
    refresh()
  }, [refresh, key])

  // Waiting forgets the last answer: the next load starts from nothing.
  if (key === null && state.key !== null)
    setState({ key, data: undefined, error: undefined, settled: false })
  const shown = state.key === key ? state : keepPrevious ? { ...state, settled: false } : undefined
  return {
    data: shown?.data,
    error: shown?.error,
    loading: key !== null && !shown?.settled,
    refresh,
  }
}

/** Calls again every `ms` while mounted (and `ms` is set). */
export function usePolling(refresh: () => void, ms: number | undefined): void {
  useEffect(() => {
    if (ms === undefined) return
    const timer = setInterval(refresh, ms)
    return () => clearInterval(timer)
  }, [refresh, ms])
}

export interface CallOptions {
  /** Reload every so many milliseconds. */
  pollMs?: number
  /** False waits (for example until an id is known). */
  enabled?: boolean
  /** A new value loads again from nothing (a "Refresh" that clears the old answer). */
  key?: string | number
  /** A new input keeps the last answer on screen until its own arrives. */
  keepPrevious?: boolean
}

/** One channel's answer for `input`, loaded on mount and whenever `input` changes. */
export function useCall<C extends ChannelName>(
  channel: C,
  input: ChannelInput<C>,
  { pollMs, enabled = true, key: extra = '', keepPrevious = false }: CallOptions = {},
): Loaded<ChannelOutput<C>> {
  const inputRef = useLatest(input)
  const key = enabled ? `${channel}\u0000${JSON.stringify(input)}\u0000${extra}` : null
  const loaded = useLoader((client) => client.call(channel, inputRef.current), key, keepPrevious)
  usePolling(loaded.refresh, enabled ? pollMs : undefined)
  return loaded
}

/**
 * Changes: `call` is the client's call, and `pending` is true while one of this hook's calls runs
 * (for a button's spinner).
 */
export function useAction(): { call: MaildockClient['call']; pending: boolean } {
  const client = useClient()
  const [running, setRunning] = useState(0)
  const call = useCallback<MaildockClient['call']>(
    async (channel, input) => {
      setRunning((n) => n + 1)
      try {
        return await client.call(channel, input)
      } finally {
        setRunning((n) => n - 1)
      }
    },
    [client],
  )
  return { call, pending: running > 0 }
}

export interface StreamHandlers<E extends EventName> {
  data: (data: EventData<E>) => void
  error?: (error: ErrorPayload) => void
  end?: () => void
}

/**
 * Subscribes while mounted and `key` is not null; a new `key` restarts the stream. The handlers
 * may change on every render without restarting it.
 */
export function useStream<E extends EventName>(
  event: E,
  input: EventInput<E>,
  handlers: StreamHandlers<E>,
  key: string | null = '',
): void {
  const client = useClient()
  const inputRef = useLatest(input)
  const handlersRef = useLatest(handlers)
  useEffect(() => {
    if (key === null) return
    return client.subscribe(event, inputRef.current, {
      data: (data) => handlersRef.current.data(data),
      error: (error) => handlersRef.current.error?.(error),
      end: () => handlersRef.current.end?.(),
    })
  }, [client, event, key, inputRef, handlersRef])
}

export interface SubscriptionState<T> {
  data: T | undefined
  error: ErrorPayload | undefined
}

/** Subscribes while mounted; the latest data wins. `key` restarts the stream when it changes. */
export function useSubscription<E extends EventName>(
  event: E,
  input: EventInput<E>,
  key = '',
): SubscriptionState<EventData<E>> {
  const streamKey = `${event}\u0000${key}`
  const [state, setState] = useState<SubscriptionState<EventData<E>> & { streamKey: string }>({
    streamKey,
    data: undefined,
    error: undefined,
  })
  useStream(
    event,
    input,
    {
      data: (data) => setState({ streamKey, data, error: undefined }),
      error: (error) => setState((prev) => ({ ...prev, streamKey, error })),
    },
    streamKey,
  )
  return state.streamKey === streamKey ? state : { data: undefined, error: undefined }
}
