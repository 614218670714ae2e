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
  const [state, setState] = useState<SubscriptionState<EventData<E>>>({ data: undefined, error: undefined })
  useEffect(() => {
    setState({ data: undefined, error: undefined })
    return client.subscribe(event, input, {
      data: (data) => setState({ data, error: undefined }),
      error: (error) => setState((prev) => ({ ...prev, error })),
    })
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `input`
  }, [client, event, key])
  return state
}
