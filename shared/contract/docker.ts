import { z } from 'zod'
import { channel, event } from './define'
import {
  boundedRecord,
  boundedString,
  MAX_ITEMS,
  MAX_NAME,
  MAX_PATH,
  MAX_TEXT,
  nameString,
  plainName,
} from './bounds'
import { endpointSchema, engineStatusSchema } from './engine'
import { errorPayload } from './errors'

/*
 * The Docker engine: endpoint choice, containers, images, networks, volumes, live engine events
 * and log streams. Times are milliseconds since the epoch unless named otherwise; sizes are bytes.
 */

const id = nameString()
const labels = z.record(z.string(), z.string())
const labelsInput = boundedRecord()
/** `key` or `key=value`, as `docker ps --filter label=...` takes them. */
const labelFilter = z.array(plainName(MAX_TEXT)).max(50)
const ok = z.object({ ok: z.literal(true) })

// ----- engine endpoint setting -----

export const endpointCandidateSchema = z.object({
  endpoint: endpointSchema,
  /** The socket or pipe is there (tcp and ssh endpoints are not checked and report true). */
  exists: z.boolean(),
})
export type EndpointCandidate = z.infer<typeof endpointCandidateSchema>

export const endpointsSchema = z.object({
  /** The endpoint in use now. */
  current: endpointSchema,
  /** The user's own choice, if any (null: found automatically). */
  chosen: endpointSchema.nullable(),
  /** Every endpoint discovery considered, in its order of preference. */
  candidates: z.array(endpointCandidateSchema),
})
export type Endpoints = z.infer<typeof endpointsSchema>

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

// ----- images -----

export const containerRefSchema = z.object({
  id: z.string(),
  name: z.string(),
  state: containerStateSchema,
})

export const imageSummarySchema = z.object({
  id: z.string(),
  tags: z.array(z.string()),
  digests: z.array(z.string()),
  sizeBytes: z.number(),
  created: z.number(),
  labels,
  /** No tag: a leftover of a rebuild or pull. */
  dangling: z.boolean(),
  usedBy: z.array(containerRefSchema),
})
export type ImageSummary = z.infer<typeof imageSummarySchema>

export const imageDetailSchema = imageSummarySchema.extend({
  architecture: z.string(),
  os: z.string(),
  author: z.string(),
  command: z.array(z.string()),
  entrypoint: z.array(z.string()),
  env: z.array(envEntrySchema),
  exposedPorts: z.array(z.string()),
  workingDir: z.string(),
  user: z.string(),
  layers: z.number(),
})
export type ImageDetail = z.infer<typeof imageDetailSchema>

export const imageHistoryEntrySchema = z.object({
  id: z.string(),
  created: z.number(),
  createdBy: z.string(),
  sizeBytes: z.number(),
  tags: z.array(z.string()),
  comment: z.string(),
})

export const layerProgressSchema = z.object({
  id: z.string(),
  /** "Waiting", "Downloading", "Extracting", "Pull complete", "Already exists"... */
  status: z.string(),
  current: z.number().optional(),
  total: z.number().optional(),
  done: z.boolean(),
})
export type LayerProgress = z.infer<typeof layerProgressSchema>

export const pullProgressSchema = z.object({
  ref: z.string(),
  /** Every layer seen so far, in the order the engine announced them. */
  layers: z.array(layerProgressSchema),
  /** The latest status line that is not about one layer ("Digest: ...", "Status: ..."). */
  status: z.string(),
  startedAt: z.number(),
  done: z.boolean(),
})
export type PullProgress = z.infer<typeof pullProgressSchema>

export const buildInput = z
  .object({
    /** A folder on this machine (honours .dockerignore) or a tar archive (optionally compressed). */
    context: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('folder'), path: nameString(MAX_PATH) }).strict(),
      z.object({ kind: z.literal('archive'), path: nameString(MAX_PATH) }).strict(),
    ]),
    /** Path of the Dockerfile inside the context (default Dockerfile). */
    dockerfile: z
      .string()
      .max(MAX_PATH)
      .refine((path) => !path.startsWith('/') && !path.split(/[\\/]/).includes('..'), {
        error: 'must be a path inside the build context',
      })
      .optional(),
    tags: z.array(nameString()).max(20).default([]),
    buildArgs: boundedRecord().optional(),
    labels: labelsInput.optional(),
    noCache: z.boolean().default(false),
  })
  .strict()

export const buildOutputSchema = z.object({
  /** Output lines since the previous batch. */
  lines: z.array(z.string()),
  /** The Dockerfile step running now, if the builder said. */
  step: z.object({ current: z.number(), total: z.number() }).nullable(),
  dropped: z.number(),
  done: z.boolean(),
  /** Set on the last batch of a successful build. */
  imageId: z.string().optional(),
})
export type BuildOutput = z.infer<typeof buildOutputSchema>

export const pruneResultSchema = z.object({
  deleted: z.array(z.string()),
  reclaimedBytes: z.number(),
})
export type PruneResult = z.infer<typeof pruneResultSchema>

// ----- networks -----

export const networkSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  driver: z.string(),
  scope: z.string(),
  internal: z.boolean(),
  attachable: z.boolean(),
  subnets: z.array(z.object({ subnet: z.string(), gateway: z.string().optional() })),
  labels,
  created: z.number(),
  /** bridge, host and none: the engine's own, cannot be removed. */
  builtIn: z.boolean(),
  containerCount: z.number(),
})
export type NetworkSummary = z.infer<typeof networkSummarySchema>

export const networkDetailSchema = networkSummarySchema.extend({
  options: z.record(z.string(), z.string()),
  containers: z.array(
    z.object({ id: z.string(), name: z.string(), ipv4Address: z.string(), macAddress: z.string() }),
  ),
})
export type NetworkDetail = z.infer<typeof networkDetailSchema>

export const networkCreateInput = z
  .object({
    name: plainName(),
    driver: plainName(64).default('bridge'),
    subnet: plainName(64).optional(),
    gateway: plainName(64).optional(),
    internal: z.boolean().default(false),
    attachable: z.boolean().default(false),
    labels: labelsInput.optional(),
  })
  .strict()

// ----- volumes -----

export const volumeSummarySchema = z.object({
  name: z.string(),
  driver: z.string(),
  mountpoint: z.string(),
  scope: z.string(),
  created: z.number().nullable(),
  labels,
  /** From the engine's disk usage report; null when the engine does not know. */
  sizeBytes: z.number().nullable(),
  usedBy: z.array(containerRefSchema),
})
export type VolumeSummary = z.infer<typeof volumeSummarySchema>

export const volumeDetailSchema = volumeSummarySchema.extend({
  options: z.record(z.string(), z.string()),
})

export const volumeCreateInput = z
  .object({
    name: plainName(MAX_NAME, 0).optional(),
    driver: plainName(64).default('local'),
    labels: labelsInput.optional(),
  })
  .strict()

// ----- live engine events -----

export const dockerEventTypes = ['container', 'image', 'network', 'volume', 'engine'] as const

export const dockerEventSchema = z.object({
  /** `engine` events are MailDock's own: connected / disconnected (refetch lists after connected). */
  type: z.enum(dockerEventTypes),
  /** start, die, destroy, pull, tag, delete, connect, create... */
  action: z.string(),
  id: z.string(),
  /** The container's, image's, network's or volume's name when the engine gave one. */
  name: z.string().optional(),
  attributes: z.record(z.string(), z.string()),
  time: z.number(),
})
export type DockerEvent = z.infer<typeof dockerEventSchema>

export const dockerEventBatchSchema = z.object({
  events: z.array(dockerEventSchema),
  dropped: z.number(),
})
export type DockerEventBatch = z.infer<typeof dockerEventBatchSchema>

// ----- the contract -----

const empty = z.object({}).strict()
const nameInput = z.object({ name: nameString() }).strict()
const pruneInput = z.object({ label: labelFilter.optional() }).strict()

export const dockerChannels = {
  'engine:endpoints': channel(empty, endpointsSchema),
  /** Use this address from now on and remember it; null goes back to automatic discovery. */
  'engine:set-endpoint': channel(
    z.object({ address: nameString(MAX_PATH).nullable() }).strict(),
    engineStatusSchema,
  ),

  'containers:list': channel(containerListInput, containerListSchema),
  'containers:inspect': channel(z.object({ id }).strict(), containerDetailSchema),
  'containers:start': channel(z.object({ id }).strict(), ok),
  'containers:stop': channel(stopInput, ok),
  'containers:restart': channel(stopInput, ok),
  'containers:pause': channel(z.object({ id }).strict(), ok),
  'containers:unpause': channel(z.object({ id }).strict(), ok),
  'containers:kill': channel(
    z.object({ id, signal: z.string().max(16).default('SIGKILL') }).strict(),
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

  'images:list': channel(
    z.object({ dangling: z.boolean().optional(), label: labelFilter.optional() }).strict(),
    z.object({ images: z.array(imageSummarySchema) }),
  ),
  'images:inspect': channel(z.object({ id }).strict(), imageDetailSchema),
  'images:history': channel(
    z.object({ id }).strict(),
    z.object({ entries: z.array(imageHistoryEntrySchema) }),
  ),
  /** Adds `repo:tag` to an image. */
  'images:tag': channel(
    z.object({ id, repo: nameString(), tag: nameString(128).default('latest') }).strict(),
    ok,
  ),
  'images:remove': channel(
    z.object({ id, force: z.boolean().default(false) }).strict(),
    z.object({ untagged: z.array(z.string()), deleted: z.array(z.string()) }),
  ),
  /** dangling: untagged images only; unused: every image no container uses. */
  'images:prune': channel(
    z
      .object({
        mode: z.enum(['dangling', 'unused']).default('dangling'),
        label: labelFilter.optional(),
      })
      .strict(),
    pruneResultSchema,
  ),

  'networks:list': channel(
    z.object({ label: labelFilter.optional() }).strict(),
    z.object({ networks: z.array(networkSummarySchema) }),
  ),
  'networks:inspect': channel(z.object({ id }).strict(), networkDetailSchema),
  'networks:create': channel(networkCreateInput, networkSummarySchema),
  'networks:connect': channel(
    z.object({ id, container: id, aliases: z.array(plainName()).max(20).optional() }).strict(),
    ok,
  ),
  'networks:disconnect': channel(
    z.object({ id, container: id, force: z.boolean().default(false) }).strict(),
    ok,
  ),
  'networks:remove': channel(z.object({ id }).strict(), ok),
  'networks:prune': channel(pruneInput, z.object({ deleted: z.array(z.string()) })),

  'volumes:list': channel(
    z.object({ label: labelFilter.optional() }).strict(),
    z.object({ volumes: z.array(volumeSummarySchema) }),
  ),
  'volumes:inspect': channel(nameInput, volumeDetailSchema),
  'volumes:create': channel(volumeCreateInput, volumeSummarySchema),
  'volumes:remove': channel(
    z.object({ name: nameString(), force: z.boolean().default(false) }).strict(),
    ok,
  ),
  /** Removes volumes no container uses. */
  'volumes:prune': channel(pruneInput, pruneResultSchema),
}

export const dockerEvents = {
  /** The engine's event stream, batched (~100 ms); survives engine restarts with engine events. */
  'docker:event': event(
    z
      .object({ types: z.array(z.enum(dockerEventTypes)).max(dockerEventTypes.length).optional() })
      .strict(),
    dockerEventBatchSchema,
  ),
  /** Log lines, batched every ~50 ms and bounded; unsubscribe to stop (the request is aborted). */
  'containers:logs': event(containerLogsInput, logBatchSchema),
  /** One sample per second while subscribed. */
  'containers:stats': event(z.object({ id }).strict(), containerStatsSchema),
  /** Pull progress snapshots; unsubscribe cancels the pull. Ends after the snapshot with done. */
  'images:pull': event(z.object({ ref: nameString(512) }).strict(), pullProgressSchema),
  /** Build output; unsubscribe cancels the build. Ends after the batch with done. */
  'images:build': event(buildInput, buildOutputSchema),
}
