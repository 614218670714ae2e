import type Docker from 'dockerode'
import { MaildockError, type ChannelName, type EventName } from '../../../shared/contract'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import * as containers from './containers'
import { listCandidates, chooseEndpoint, parseUserAddress, type DiscoveryHost } from './discovery'
import { streamDockerEvents } from './docker-events'
import type { EndpointSetting } from './endpoint-setting'
import type { EngineMonitor } from './engine'
import { buildImage } from './image-build'
import { pullImage } from './image-pull'
import * as images from './images'
import { streamContainerLogs } from './log-stream'
import * as networks from './networks'
import { streamContainerStats } from './stats'
import * as volumes from './volumes'

type DockerChannelName = Exclude<
  Extract<ChannelName, `${'engine' | 'containers' | 'images' | 'networks' | 'volumes'}:${string}`>,
  'engine:status' | 'engine:retry'
>
type DockerEventName = Extract<EventName, 'docker:event' | `${'containers' | 'images'}:${string}`>

export interface DockerDeps {
  engine: EngineMonitor
  discovery: DiscoveryHost
  setting: EndpointSetting
}

/** The endpoint in force: the user's choice if any, else what discovery finds. */
export function resolveEndpoint(discovery: DiscoveryHost, setting: EndpointSetting) {
  const chosen = setting.read()
  if (chosen) {
    try {
      return parseUserAddress(chosen)
    } catch {
      // A hand-edited file with a bad address: fall back to discovery rather than not starting.
    }
  }
  return chooseEndpoint(listCandidates(discovery))
}

export function dockerHandlers(deps: DockerDeps): {
  channels: Pick<ChannelHandlers, DockerChannelName>
  events: Pick<EventHandlers, DockerEventName>
} {
  const { engine } = deps
  const docker = (): Docker => engine.client
  /** An engine that stopped answering gets probed now, so the status and the panels follow. */
  const noticed = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      if (error instanceof MaildockError && error.code === 'ENGINE_UNREACHABLE') {
        if (engine.status.state === 'connected') void engine.probe()
      }
      throw error
    }
  }

  return {
    channels: {
      'engine:endpoints': () => {
        const chosen = deps.setting.read()
        return {
          current: engine.status.endpoint,
          chosen: chosen ? parseUserAddress(chosen) : null,
          candidates: listCandidates(deps.discovery),
        }
      },
      'engine:set-endpoint': ({ address }) => {
        const endpoint = address === null ? null : parseUserAddress(address)
        deps.setting.write(endpoint ? address : null)
        return engine.setEndpoint(endpoint ?? chooseEndpoint(listCandidates(deps.discovery)))
      },

      'containers:list': (input) => noticed(() => containers.listContainers(docker(), input)),
      'containers:inspect': ({ id }) => noticed(() => containers.inspectContainer(docker(), id)),
      'containers:start': ({ id }) => noticed(() => containers.runAction(docker(), id, 'start')),
      'containers:stop': ({ id, timeoutSeconds }) =>
        noticed(() => containers.runAction(docker(), id, 'stop', { timeoutSeconds })),
      'containers:restart': ({ id, timeoutSeconds }) =>
        noticed(() => containers.runAction(docker(), id, 'restart', { timeoutSeconds })),
      'containers:pause': ({ id }) => noticed(() => containers.runAction(docker(), id, 'pause')),
      'containers:unpause': ({ id }) =>
        noticed(() => containers.runAction(docker(), id, 'unpause')),
      'containers:kill': ({ id, signal }) =>
        noticed(() => containers.runAction(docker(), id, 'kill', { signal })),
      'containers:remove': ({ id, force, volumes: withVolumes }) =>
        noticed(() =>
          containers.runAction(docker(), id, 'remove', { force, volumes: withVolumes }),
        ),
      'containers:bulk': ({ ids, action, force, volumes: withVolumes }) =>
        noticed(() =>
          containers.bulkAction(docker(), ids, action, { force, volumes: withVolumes }),
        ),

      'images:list': (input) => noticed(() => images.listImages(docker(), input)),
      'images:inspect': ({ id }) => noticed(() => images.inspectImage(docker(), id)),
      'images:history': ({ id }) => noticed(() => images.imageHistory(docker(), id)),
      'images:tag': (input) => noticed(() => images.tagImage(docker(), input)),
      'images:remove': (input) => noticed(() => images.removeImage(docker(), input)),
      'images:prune': (input) => noticed(() => images.pruneImages(docker(), input)),

      'networks:list': (input) => noticed(() => networks.listNetworks(docker(), input)),
      'networks:inspect': ({ id }) => noticed(() => networks.inspectNetwork(docker(), id)),
      'networks:create': (input) => noticed(() => networks.createNetwork(docker(), input)),
      'networks:connect': (input) => noticed(() => networks.connectNetwork(docker(), input)),
      'networks:disconnect': (input) => noticed(() => networks.disconnectNetwork(docker(), input)),
      'networks:remove': ({ id }) => noticed(() => networks.removeNetwork(docker(), id)),
      'networks:prune': (input) => noticed(() => networks.pruneNetworks(docker(), input)),

      'volumes:list': (input) => noticed(() => volumes.listVolumes(docker(), input)),
      'volumes:inspect': ({ name }) => noticed(() => volumes.inspectVolume(docker(), name)),
      'volumes:create': (input) => noticed(() => volumes.createVolume(docker(), input)),
      'volumes:remove': (input) => noticed(() => volumes.removeVolume(docker(), input)),
      'volumes:prune': (input) => noticed(() => volumes.pruneVolumes(docker(), input)),
    },
    events: {
      'docker:event': ({ types }, sink) => streamDockerEvents(engine, types, sink),
      'containers:logs': (input, sink) => noticed(() => streamContainerLogs(docker(), input, sink)),
      'containers:stats': ({ id }, sink) => noticed(() => streamContainerStats(docker(), id, sink)),
      'images:pull': ({ ref }, sink) => noticed(() => pullImage(docker(), ref, sink)),
      'images:build': (input, sink) => noticed(() => buildImage(docker(), input, sink)),
    },
  }
}
