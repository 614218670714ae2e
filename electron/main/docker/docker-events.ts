import type { DockerEvent, DockerEventBatch, EngineStatus } from '../../../shared/contract'
import { dockerEventTypes } from '../../../shared/contract'
import { Batcher } from '../lib/batcher'
import type { EngineMonitor, RawEngineEvent } from './engine'

type EventType = DockerEvent['type']

/** Health checks run as execs every few seconds: their exec_* events are noise for a list view. */
const IGNORED_ACTION = /^exec_/

export function toDockerEvent(raw: RawEngineEvent): DockerEvent | null {
  const type = raw.Type as EventType | undefined
  if (!type || type === 'engine' || !(dockerEventTypes as readonly string[]).includes(type))
    return null
  const action = raw.Action ?? ''
  if (!action || IGNORED_ACTION.test(action)) return null
  const attributes = raw.Actor?.Attributes ?? {}
  const id = raw.Actor?.ID ?? ''
  const name = attributes.name ?? (type === 'volume' ? id : undefined)
  const time = raw.timeNano ? Math.floor(raw.timeNano / 1e6) : (raw.time ?? 0) * 1000
  return { type, action, id, ...(name ? { name } : {}), attributes, time: time || Date.now() }
}

const engineEvent = (action: 'connected' | 'disconnected', status: EngineStatus): DockerEvent => ({
  type: 'engine',
  action,
  id: status.endpoint.address,
  attributes: status.state === 'unreachable' ? { error: status.error } : {},
  time: Date.now(),
})

export interface EventStreamTuning {
  intervalMs: number
  maxPending: number
}

/**
 * The live feed for lists: the engine's events (one shared stream in EngineMonitor), batched, plus
 * `engine connected/disconnected` so a view refetches after events it may have missed.
 */
export function streamDockerEvents(
  engine: EngineMonitor,
  types: EventType[] | undefined,
  sink: { emit(batch: DockerEventBatch): void; signal: AbortSignal },
  tuning: EventStreamTuning = { intervalMs: 100, maxPending: 5_000 },
): Promise<void> {
  const wanted = types?.length ? new Set(types) : undefined
  const batcher = new Batcher<DockerEvent>({
    ...tuning,
    flush: (events, dropped) => sink.emit({ events, dropped }),
  })
  const push = (event: DockerEvent): void => {
    if (!wanted || wanted.has(event.type)) batcher.push(event)
  }
  let connected = engine.status.state === 'connected'
  const stopEvents = engine.onEvent((raw) => {
    const event = toDockerEvent(raw)
    if (event) push(event)
  })
  const stopStatus = engine.onChange((status) => {
    const now = status.state === 'connected'
    if (now !== connected && status.state !== 'connecting') {
      push(engineEvent(now ? 'connected' : 'disconnected', status))
    }
    connected = now
  })
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      stopEvents()
      stopStatus()
      batcher.discard()
      resolve()
    }
    if (sink.signal.aborted) stop()
    else sink.signal.addEventListener('abort', stop, { once: true })
  })
}
