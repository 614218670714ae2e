import type Docker from 'dockerode'
import {
  containerStates,
  type StackHealth,
  type StackInstanceState,
} from '../../../shared/contract'
import { engineCall, healthFromStatus } from '../docker'
import { LABELS } from '../../../shared/labels'

/** A container of the stack, as the engine lists it. */
export interface ObservedContainer {
  id: string
  name: string
  /** The service label (may name a service the definition no longer has). */
  service: string
  replica: number
  configHash: string
  state: StackInstanceState
  health: StackHealth
  /** Seconds since the epoch, as the engine says. */
  created: number
  image: string
  ports: Array<{ containerPort: number; hostIp: string; hostPort: number; protocol: string }>
}

export interface ObservedStack {
  containers: ObservedContainer[]
  networks: Array<{ id: string; name: string; created: string }>
  volumes: string[]
}

const STATES = new Set<string>(containerStates)

export function toObserved(info: Docker.ContainerInfo): ObservedContainer {
  const labels = info.Labels ?? {}
  return {
    id: info.Id,
    name: (info.Names[0] ?? info.Id).replace(/^\//, ''),
    service: labels[LABELS.service] ?? '',
    replica: Number(labels[LABELS.replica] ?? 0),
    configHash: labels[LABELS.configHash] ?? '',
    state: STATES.has(info.State) ? (info.State as StackInstanceState) : 'dead',
    health: healthFromStatus(info.Status),
    created: info.Created,
    image: info.Image,
    ports: (info.Ports ?? [])
      .filter((port) => port.PublicPort !== undefined)
      .map((port) => ({
        containerPort: port.PrivatePort,
        hostIp: port.IP ?? '',
        hostPort: port.PublicPort,
        protocol: port.Type,
      })),
  }
}

/** Everything labelled `maildock.stack=<name>` on the engine. */
export async function observeStack(docker: Docker, stack: string): Promise<ObservedStack> {
  const filters = { label: [`${LABELS.stack}=${stack}`] }
  const [containers, networks, volumes] = await Promise.all([
    engineCall(() => docker.listContainers({ all: true, filters })),
    engineCall(() => docker.listNetworks({ filters })),
    engineCall(() => docker.listVolumes({ filters })),
  ])
  return {
    containers: containers.map(toObserved),
    networks: networks.map((network) => ({
      id: network.Id,
      name: network.Name,
      created: network.Created ?? '',
    })),
    volumes: (volumes.Volumes ?? []).map((volume) => volume.Name),
  }
}
