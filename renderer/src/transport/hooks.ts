import { useEffect, useState } from 'react'
import type { ErrorPayload, EventData, EventInput, EventName } from '../../../shared/contract'
import { useClient } from './client'

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
  const client = useClient()
  const streamKey = `${event}\u0000${key}`
  const [state, setState] = useState<SubscriptionState<EventData<E>> & { streamKey: string }>({
    streamKey,
    data: undefined,
    error: undefined,
  })
  useEffect(
    () =>
      client.subscribe(event, input, {
        data: (data) => setState({ streamKey, data, error: undefined }),
        error: (error) => setState((prev) => ({ ...prev, streamKey, error })),
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `input`
    [client, streamKey],
  )
  return state.streamKey === streamKey ? state : { data: undefined, error: undefined }
}
