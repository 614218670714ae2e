import { z } from 'zod'
import { channel, event } from './define'

export const endpointSchema = z.object({
  kind: z.enum(['socket', 'pipe', 'tcp', 'ssh']),
  /** What the user would type: unix:///var/run/docker.sock, tcp://host:2376, npipe:////./pipe/... */
  address: z.string(),
  /** Where it came from: DOCKER_HOST, docker context NAME, a known socket, the user's setting. */
  source: z.string(),
})
export type Endpoint = z.infer<typeof endpointSchema>

export const engineInfoSchema = z.object({
  version: z.string(),
  apiVersion: z.string(),
  os: z.string(),
  osType: z.string(),
  arch: z.string(),
  kernel: z.string(),
  cpus: z.number(),
  memoryBytes: z.number(),
  name: z.string(),
  containers: z.object({
    running: z.number(),
    paused: z.number(),
    stopped: z.number(),
    total: z.number(),
  }),
  images: z.number(),
  volumes: z.number(),
  networks: z.number(),
})
export type EngineInfo = z.infer<typeof engineInfoSchema>

export const engineStatusSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('connecting'), endpoint: endpointSchema }),
  z.object({
    state: z.literal('connected'),
    endpoint: endpointSchema,
    info: engineInfoSchema,
    checkedAt: z.number(),
  }),
  z.object({
    state: z.literal('unreachable'),
    endpoint: endpointSchema,
    error: z.string(),
    checkedAt: z.number(),
    /** When the next automatic attempt runs (ms since epoch), if one is scheduled. */
    nextRetryAt: z.number().optional(),
  }),
])
export type EngineStatus = z.infer<typeof engineStatusSchema>

export const engineChannels = {
  /** The current status, probing the engine now. */
  'engine:status': channel(z.object({}).strict(), engineStatusSchema),
  /** Reconnect now (the Retry button). */
  'engine:retry': channel(z.object({}).strict(), engineStatusSchema),
}

export const engineEvents = {
  /** Every change of state or counts, pushed live. */
  'engine:changed': event(z.object({}).strict(), engineStatusSchema),
}
