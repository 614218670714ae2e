import { createHash } from 'node:crypto'
import type Docker from 'dockerode'
import { LABELS } from '../../../shared/labels'
import type { StackServiceName } from '../../../shared/contract'
import { containerName, type ServiceSpec, type StackDefinition } from './definition'

const SECOND_NS = 1_000_000_000

/** JSON with object keys sorted, so equal configurations always hash the same. */
export function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${stableStringify(item)}`).join(',')}}`
  }
  return JSON.stringify(value)
}

export function shortHash(text: string, length = 16): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length)
}

/** The image a service runs: its reference and the id it resolved to on this engine. */
export interface ImageRef {
  ref: string
  id: string
}

/** What the engine is asked to create for one replica (without the config-hash label). */
export function containerOptions(
  definition: StackDefinition,
  spec: ServiceSpec,
  replica: number,
  image: ImageRef,
): Docker.ContainerCreateOptions {
  const { health } = spec
  const exposed: Record<string, object> = {}
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {}
  for (const port of spec.ports) {
    const key = `${port.containerPort}/tcp`
    exposed[key] = {}
    bindings[key] = [
      { HostIp: '127.0.0.1', HostPort: port.hostPort === 0 ? '' : String(port.hostPort) },
    ]
  }
  const volumeNames = new Map(definition.volumes.map((v) => [v.key, v.name]))
  return {
    name: containerName(definition.name, spec.service, replica),
    Image: image.ref,
    ...(spec.hostname === null ? {} : { Hostname: spec.hostname }),
    Env: Object.entries({ ...spec.env, ...spec.managedEnv })
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([key, value]) => `${key}=${value}`),
    Labels: {
      ...definition.labels,
      [LABELS.stack]: definition.name,
      [LABELS.service]: spec.service,
      [LABELS.replica]: String(replica),
    },
    ExposedPorts: exposed,
    StopTimeout: spec.stopTimeoutSeconds,
    Healthcheck: {
      ...(health.test === null ? {} : { Test: health.test }),
      Interval: health.intervalSeconds * SECOND_NS,
      Timeout: health.timeoutSeconds * SECOND_NS,
      Retries: health.retries,
      StartPeriod: health.startPeriodSeconds * SECOND_NS,
    },
    HostConfig: {
      NetworkMode: definition.network,
      PortBindings: bindings,
      Mounts: spec.volumes.map((volume) => ({
        Type: 'volume' as const,
        Source: volumeNames.get(volume.key) ?? volume.key,
        Target: volume.target,
      })),
      RestartPolicy: { Name: 'unless-stopped' },
    },
    NetworkingConfig: {
      EndpointsConfig: { [definition.network]: { Aliases: [spec.service] } },
    },
  }
}

/**
 * A fingerprint of everything a service's containers are created from, the image id included:
 * equal hashes mean a container can be kept; a changed setting changes only the services it
 * reaches.
 */
export function configHash(
  definition: StackDefinition,
  spec: ServiceSpec,
  image: ImageRef,
): string {
  const { name: _name, ...options } = containerOptions(definition, spec, 1, image)
  const labels = { ...options.Labels }
  delete labels[LABELS.replica]
  // The files' content counts too: a changed password re-creates the services it reaches.
  return shortHash(
    stableStringify({ ...options, Labels: labels, imageId: image.id, files: spec.files }),
  )
}

/** The options for one replica, labelled with its service's config hash. */
export function labelledOptions(
  definition: StackDefinition,
  spec: ServiceSpec,
  replica: number,
  image: ImageRef,
  hash: string,
): Docker.ContainerCreateOptions {
  const options = containerOptions(definition, spec, replica, image)
  return { ...options, Labels: { ...options.Labels, [LABELS.configHash]: hash } }
}

/** Each service's configuration hash, for the services whose image is on the engine. */
export function hashesFor(
  definition: StackDefinition,
  images: ReadonlyMap<StackServiceName, ImageRef>,
): Map<string, string> {
  const hashes = new Map<string, string>()
  for (const spec of definition.services) {
    const image = images.get(spec.service)
    if (image) hashes.set(spec.service, configHash(definition, spec, image))
  }
  return hashes
}
