import type Docker from 'dockerode'
import { engineCall } from '../docker'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import type { StackLogCollector } from './collector'
import type { LogStoreApi } from './store-api'
import { listTailSources, runTail } from './tail'

type LogsChannels = Pick<
  ChannelHandlers,
  | 'logs:search'
  | 'logs:get'
  | 'logs:export'
  | 'logs:histogram'
  | 'logs:status'
  | 'logs:reset-db'
  | 'logs:set-retention'
  | 'logs:sources'
>
type LogsEvents = Pick<EventHandlers, 'logs:tail'>

export interface LogsHandlerDeps {
  store: LogStoreApi
  collector: StackLogCollector
  docker: () => Docker
}

export function logsHandlers(deps: LogsHandlerDeps): {
  channels: LogsChannels
  events: LogsEvents
} {
  const { store } = deps
  return {
    channels: {
      'logs:search': (input) => store.search(input),
      'logs:get': (input) => store.get(input),
      'logs:export': (input) => store.exportChunk(input),
      'logs:histogram': (input) => store.histogram(input),
      'logs:status': () => store.status(),
      'logs:reset-db': async () => ({ ...(await store.reset()), status: await store.status() }),
      'logs:set-retention': (input) => store.setRetention(input),
      'logs:sources': async () => ({
        sources: await engineCall(() => listTailSources(deps.docker())),
      }),
    },
    events: {
      'logs:tail': (input, sink) =>
        runTail(input, sink, { collector: deps.collector, store, docker: deps.docker }),
    },
  }
}
