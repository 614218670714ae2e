import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import type { EngineMonitor } from './engine'

type EngineChannels = Pick<ChannelHandlers, 'engine:status' | 'engine:retry'>
type EngineEvents = Pick<EventHandlers, 'engine:changed'>

export function engineHandlers(engine: EngineMonitor): {
  channels: EngineChannels
  events: EngineEvents
} {
  return {
    channels: {
      'engine:status': () =>
        engine.status.state === 'connecting' ? engine.probe() : engine.status,
      'engine:retry': () => engine.retry(),
    },
    events: {
      'engine:changed': (_input, sink) =>
        new Promise<void>((resolve) => {
          sink.emit(engine.status)
          const stop = engine.onChange((status) => sink.emit(status))
          sink.signal.addEventListener('abort', () => {
            stop()
            resolve()
          })
        }),
    },
  }
}
