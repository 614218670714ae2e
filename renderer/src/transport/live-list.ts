import { useEffect, useRef } from 'react'
import type { DockerEvent, MaildockClient, dockerEventTypes } from '../../../shared/contract'
import { useEngineStatus } from './engine-status'
import { useLatest, useLoader, useStream, type Loaded } from './hooks'

type DockerEventType = (typeof dockerEventTypes)[number]

/**
 * A list from the engine that stays current by itself: loads once, then reloads when the engine's
 * event stream reports a change of the given types (main batches them) or the engine reconnects.
 * Reloads never overlap: events arriving during a load cause exactly one more load.
 */
export function useLiveList<T>(
  load: (client: MaildockClient) => Promise<T>,
  types: readonly DockerEventType[],
  relevant: (event: DockerEvent) => boolean = () => true,
): Loaded<T> {
  const list = useLoader(load, 'live')
  const { refresh } = list
  const relevantRef = useLatest(relevant)
  const typesKey = types.join(',')
  useStream(
    'docker:event',
    { types: [...types, 'engine'] },
    {
      data: (batch) => {
        if (
          batch.dropped > 0 ||
          batch.events.some((e) => e.type === 'engine' || relevantRef.current(e))
        )
          refresh()
      },
    },
    typesKey,
  )

  const engineState = useEngineStatus()?.state
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

  return list
}
