import type Docker from 'dockerode'
import type { z } from 'zod'
import { MaildockError, type stackLogsInput, type StackLogBatch } from '../../../shared/contract'
import { streamContainerLogs } from '../docker'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { untilAborted } from '../lib/streams'
import type { StackManager } from './manager'
import { observeStack } from './observe'

type StackChannelName = Extract<keyof ChannelHandlers, `stack:${string}`>
type StackEventName = Extract<keyof EventHandlers, `stack:${string}`>

/** Every instance of a service, interleaved batch by batch, each line named by its container. */
export async function streamServiceLogs(
  docker: Docker,
  stack: string,
  input: z.output<typeof stackLogsInput>,
  sink: { emit(batch: StackLogBatch): void; signal: AbortSignal },
): Promise<void> {
  const observed = await observeStack(docker, stack)
  const containers = observed.containers
    .filter((c) => c.service === input.service)
    .sort((a, b) => a.replica - b.replica)
  if (containers.length === 0) {
    throw new MaildockError(
      'NOT_FOUND',
      `The stack has no ${input.service} container: run up first.`,
    )
  }
  await Promise.all(
    containers.map((container) =>
      streamContainerLogs(
        docker,
        { id: container.id, tail: input.tail, follow: input.follow, stdout: true, stderr: true },
        {
          signal: sink.signal,
          emit: (batch) =>
            sink.emit({
              lines: batch.lines.map((line) => ({ instance: container.name, ...line })),
              dropped: batch.dropped,
            }),
        },
      ),
    ),
  )
}

export function stackHandlers(
  manager: StackManager,
  docker: () => Docker,
): {
  channels: Pick<ChannelHandlers, StackChannelName>
  events: Pick<EventHandlers, StackEventName>
} {
  return {
    channels: {
      'stack:status': () => manager.status(),
      'stack:up': () => manager.up(),
      'stack:down': ({ volumes }) => manager.down(volumes),
      'stack:restart': ({ service }) => manager.restart(service),
      'stack:service-action': ({ service, action }) => manager.startOrStop(service, action),
      'stack:scale': ({ replicas }) => manager.scale(replicas),
      'stack:export': (input) => manager.exportStack(input),
      'stack:settings-get': () => manager.settingsView(),
      'stack:settings-set': (input) => manager.updateSettings(input),
    },
    events: {
      'stack:progress': (_input, sink) => {
        const last = manager.lastOperation
        if (last !== null) sink.emit(last)
        return untilAborted(
          sink.signal,
          manager.onProgress((operation) => sink.emit(operation)),
        )
      },
      'stack:changed': (_input, sink) =>
        untilAborted(
          sink.signal,
          manager.watcher.subscribe((status) => sink.emit(status)),
        ),
      'stack:logs': async (input, sink) => {
        const { settings } = await manager.settings.load()
        await streamServiceLogs(docker(), settings.stackName, input, sink)
      },
    },
  }
}
