import { z } from 'zod'
import { boundedString, MAX_ITEMS } from './bounds'
import { channel, event } from './define'
import { errorPayload } from './errors'
import { id, labelFilter, labels, ok } from './docker-fields'

// Containers in the Docker engine: lists, details, actions, stats and log lines.

// ----- containers -----

export const containerStates = [
  'created',
  'running',
  'paused',
  'restarting',
  'removing',
  'exited',
  'dead',
] as const
export const containerStateSchema = z.enum(containerStates)
export type ContainerState = z.infer<typeof containerStateSchema>

export const healthSchema = z.enum(['starting', 'healthy', 'unhealthy', 'none'])

/** What a container belongs to: a compose project, a MailDock stack (`maildock.stack`), or nothing. */
export const containerGroupSchema = z.object({
  kind: z.enum(['compose', 'stack']),
  name: z.string(),
  /** The compose service or the stack's service label, when set. */
  service: z.string().optional(),
})
export type ContainerGroup = z.infer<typeof containerGroupSchema>

export const portMappingSchema = z.object({
  containerPort: z.number(),
  protocol: z.string(),
  hostIp: z.string().optional(),
  hostPort: z.number().optional(),
})
export type PortMapping = z.infer<typeof portMappingSchema>

export const containerSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  command: z.string(),
  created: z.number(),
  state: containerStateSchema,
  /** The engine's words: "Up 3 minutes (healthy)", "Exited (0) 2 hours ago". */
  status: z.string(),
  health: healthSchema,
  ports: z.array(portMappingSchema),
  labels,
  networks: z.array(z.string()),
  /** Names of the volumes it mounts. */
  volumes: z.array(z.string()),
  group: containerGroupSchema.nullable(),
})
export type ContainerSummary = z.infer<typeof containerSummarySchema>

export const containerListInput = z
  .object({
    /** Stopped ones too (default true). */
    all: z.boolean().default(true),
    /** Substring of the name. */
    name: boundedString().optional(),
    /** Substring of the image reference. */
    image: boundedString().optional(),
    label: labelFilter.optional(),
    status: z.array(containerStateSchema).max(containerStates.length).optional(),
  })
  .strict()

export const containerGroupSummarySchema = containerGroupSchema.omit({ service: true }).extend({
  containerIds: z.array(z.string()),
  running: z.number(),
})

export const containerListSchema = z.object({
  containers: z.array(containerSummarySchema),
  /** Compose projects and MailDock stacks among the listed containers; the rest are ungrouped. */
  groups: z.array(containerGroupSummarySchema),
})
export type ContainerList = z.infer<typeof containerListSchema>

export const envEntrySchema = z.object({
  key: z.string(),
  value: z.string(),
  /** The value looked like a secret and was replaced by asterisks. */
  masked: z.boolean(),
})

export const mountSchema = z.object({
  type: z.string(),
  name: z.string().optional(),
  source: z.string(),
  destination: z.string(),
  readOnly: z.boolean(),
})

export const containerNetworkSchema = z.object({
  name: z.string(),
  networkId: z.string(),
  ipAddress: z.string(),
  gateway: z.string(),
  macAddress: z.string(),
  aliases: z.array(z.string()),
})

export const healthCheckRunSchema = z.object({
  start: z.string(),
  end: z.string(),
  exitCode: z.number(),
  output: z.string(),
})

export const containerDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  image: z.string(),
  imageId: z.string(),
  created: z.number(),
  state: containerStateSchema,
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  exitCode: z.number(),
  error: z.string(),
  restartCount: z.number(),
  restartPolicy: z.string(),
  health: z.object({
    status: healthSchema,
    failingStreak: z.number(),
    log: z.array(healthCheckRunSchema),
  }),
  command: z.array(z.string()),
  entrypoint: z.array(z.string()),
  workingDir: z.string(),
  user: z.string(),
  tty: z.boolean(),
  env: z.array(envEntrySchema),
  mounts: z.array(mountSchema),
  ports: z.array(portMappingSchema),
  networks: z.array(containerNetworkSchema),
  labels,
  group: containerGroupSchema.nullable(),
})
export type ContainerDetail = z.infer<typeof containerDetailSchema>

export const containerActions = [
  'start',
  'stop',
  'restart',
  'pause',
  'unpause',
  'kill',
  'remove',
] as const
export const containerActionSchema = z.enum(containerActions)
export type ContainerAction = z.infer<typeof containerActionSchema>

const stopInput = z.object({ id, timeoutSeconds: z.number().int().min(0).optional() }).strict()
const removeInput = z
  .object({ id, force: z.boolean().default(false), volumes: z.boolean().default(false) })
  .strict()

export const bulkResultSchema = z.object({
  results: z.array(z.object({ id: z.string(), ok: z.boolean(), error: errorPayload.optional() })),
})
export type BulkResult = z.infer<typeof bulkResultSchema>

export const containerStatsSchema = z.object({
  id: z.string(),
  at: z.number(),
  cpuPercent: z.number(),
  /** Online CPUs: cpuPercent can reach 100 x cpus. */
  cpus: z.number(),
  memoryBytes: z.number(),
  memoryLimitBytes: z.number(),
  memoryPercent: z.number(),
  networkRxBytes: z.number(),
  networkTxBytes: z.number(),
  blockReadBytes: z.number(),
  blockWriteBytes: z.number(),
  pids: z.number(),
})
export type ContainerStats = z.infer<typeof containerStatsSchema>

export const logLineSchema = z.object({
  stream: z.enum(['stdout', 'stderr']),
  /** The engine's RFC 3339 timestamp with nanoseconds, as written. */
  time: z.string(),
  text: z.string(),
})
export type LogLine = z.infer<typeof logLineSchema>

export const logBatchSchema = z.object({
  lines: z.array(logLineSchema),
  /** Lines dropped since the previous batch because the consumer fell behind (show "N lines skipped"). */
  dropped: z.number(),
})
export type LogBatch = z.infer<typeof logBatchSchema>

export const containerLogsInput = z
  .object({
    id,
    /** Lines of history before following (default 500; 'all' for everything). */
    tail: z.union([z.number().int().min(0), z.literal('all')]).default(500),
    /** Only lines after this time (ms since epoch). */
    since: z.number().optional(),
    /** Keep following new lines (default true); false ends after the history. */
    follow: z.boolean().default(true),
    stdout: z.boolean().default(true),
    stderr: z.boolean().default(true),
  })
  .strict()

export const containerChannels = {
  'containers:list': channel(containerListInput, containerListSchema),
  'containers:inspect': channel(z.object({ id }).strict(), containerDetailSchema),
  'containers:start': channel(z.object({ id }).strict(), ok),
  'containers:stop': channel(stopInput, ok),
  'containers:restart': channel(stopInput, ok),
  'containers:pause': channel(z.object({ id }).strict(), ok),
  'containers:unpause': channel(z.object({ id }).strict(), ok),
  'containers:kill': channel(
    z
      .object({
        id,
        signal: z
          .string()
          .max(16)
          .regex(/^[A-Za-z0-9+]+$/)
          .default('SIGKILL'),
      })
      .strict(),
    ok,
  ),
  /** Refuses a running container unless force (CONFLICT); volumes also removes its anonymous volumes. */
  'containers:remove': channel(removeInput, ok),
  /** One action on a selection; each container succeeds or fails on its own. */
  'containers:bulk': channel(
    z
      .object({
        ids: z.array(id).min(1).max(MAX_ITEMS),
        action: containerActionSchema,
        force: z.boolean().default(false),
        volumes: z.boolean().default(false),
      })
      .strict(),
    bulkResultSchema,
  ),
}

export const containerEvents = {
  /** Log lines, batched every ~50 ms and bounded; unsubscribe to stop (the request is aborted). */
  'containers:logs': event(containerLogsInput, logBatchSchema),
  /** One sample per second while subscribed. */
  'containers:stats': event(z.object({ id }).strict(), containerStatsSchema),
}
