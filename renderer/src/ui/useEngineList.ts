import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react'
import {
  MaildockError,
  type DockerEvent,
  type MaildockClient,
  type dockerEventTypes,
} from '../../../shared/contract'
import { useEngineStatus } from '../features/engine/engine-status'
import { useClient } from '../transport/client'

type DockerEventType = (typeof dockerEventTypes)[number]

export interface EngineList<T> {
  data: T | undefined
  error: MaildockError | undefined
  /** True until the first answer (or error) arrives. */
  loading: boolean
  refresh: () => void
}

const asMaildockError = (error: unknown): MaildockError =>
  error instanceof MaildockError
    ? error
    : new MaildockError('INTERNAL', error instanceof Error ? error.message : String(error))

/**
 * A list from the engine that stays current by itself: loads once, then reloads when the engine's
 * event stream reports a change of the given types (main batches them) or the engine reconnects.
 * Reloads never overlap: events arriving during a load cause exactly one more load.
 */
export function useEngineList<T>(
  load: (client: MaildockClient) => Promise<T>,
  types: readonly DockerEventType[],
  relevant: (event: DockerEvent) => boolean = () => true,
): EngineList<T> {
  const client = useClient()
  const engine = useEngineStatus()
  const [state, setState] = useState<Omit<EngineList<T>, 'refresh'>>({
    data: undefined,
    error: undefined,
    loading: true,
  })
  const loadRef = useRef(load)
  const relevantRef = useRef(relevant)
  useLayoutEffect(() => {
    loadRef.current = load
    relevantRef.current = relevant
  })
  const running = useRef(false)
  const again = useRef(false)
  const mounted = useRef(true)

  const refresh = useCallback(() => {
    if (running.current) {
      again.current = true
      return
    }
    running.current = true
    const loop = async (): Promise<void> => {
      do {
        again.current = false
        try {
          const data = await loadRef.current(client)
          if (mounted.current) setState({ data, error: undefined, loading: false })
        } catch (error) {
          if (mounted.current)
            setState((prev) => ({ ...prev, error: asMaildockError(error), loading: false }))
        }
      } while (again.current && mounted.current)
      running.current = false
    }
    void loop()
  }, [client])

  useEffect(() => {
    mounted.current = true
    refresh()
    return () => {
      mounted.current = false
    }
  }, [refresh])

  const typesKey = types.join(',')
  useEffect(
    () =>
      client.subscribe(
        'docker:event',
        { types: [...(typesKey.split(',') as DockerEventType[]), 'engine'] },
        {
          data: (batch) => {
            if (
              batch.dropped > 0 ||
              batch.events.some((e) => e.type === 'engine' || relevantRef.current(e))
            )
              refresh()
          },
        },
      ),
    [client, typesKey, refresh],
  )

  const engineState = engine?.state
  const previous = useRef(engineState)
  useEffect(() => {
    if (
      engineState === 'connected' &&
      previous.current !== undefined &&
      previous.current !== 'connected'
    )
      refresh()
    previous.current = engineState
  }, [engineState, refresh])

  return { ...state, refresh }
}
