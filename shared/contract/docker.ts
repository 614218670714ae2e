import { z } from 'zod'
import { channel, event } from './define'
import { boundedRecord, MAX_NAME, MAX_PATH, nameString, plainName } from './bounds'
import { endpointSchema, engineStatusSchema } from './engine'
import { id, labelFilter, labels, labelsInput, ok } from './docker-fields'
import {
  containerChannels,
  containerEvents,
  containerStateSchema,
  envEntrySchema,
} from './containers'

/*
 * The Docker engine: endpoint choice, containers, images, networks, volumes, live engine events
 * and log streams. Times are milliseconds since the epoch unless named otherwise; sizes are bytes.
 */

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
const nameInput = z.object({ name: id }).strict()
const pruneInput = z.object({ label: labelFilter.optional() }).strict()

export const dockerChannels = {
  'engine:endpoints': channel(empty, endpointsSchema),
  /** Use this address from now on and remember it; null goes back to automatic discovery. */
  'engine:set-endpoint': channel(
    z.object({ address: nameString(MAX_PATH).nullable() }).strict(),
    engineStatusSchema,
  ),

  ...containerChannels,

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
    z
      .object({
        id,
        repo: id,
        tag: nameString(128)
          .regex(/^[\w.-]+$/)
          .default('latest'),
      })
      .strict(),
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
  'volumes:remove': channel(z.object({ name: id, force: z.boolean().default(false) }).strict(), ok),
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
  ...containerEvents,
  /** Pull progress snapshots; unsubscribe cancels the pull. Ends after the snapshot with done. */
  'images:pull': event(z.object({ ref: nameString(512) }).strict(), pullProgressSchema),
  /** Build output; unsubscribe cancels the build. Ends after the batch with done. */
  'images:build': event(buildInput, buildOutputSchema),
}
