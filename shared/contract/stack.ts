import { z } from 'zod'
import { channel, event } from './define'
import { errorPayload } from './errors'
import { containerStates } from './containers'
import {
  stackSettingsSchema,
  stackSettingsSetInput,
  stackSettingsViewSchema,
} from './stack-settings'

/*
 * The one-click stack: broker, api, emailer x N, logger and a mail catcher, run on the engine by
 * MailDock. Times are milliseconds since the epoch unless named otherwise.
 */

export const stackServiceNames = ['broker', 'api', 'emailer', 'logger', 'catcher'] as const
export const stackServiceSchema = z.enum(stackServiceNames)
export type StackServiceName = z.infer<typeof stackServiceSchema>

// ----- status -----

/** An engine container state, or missing: the stack should have this container and has not. */
export const stackInstanceStateSchema = z.enum([...containerStates, 'missing'])
export type StackInstanceState = z.infer<typeof stackInstanceStateSchema>

export const stackHealthSchema = z.enum(['healthy', 'unhealthy', 'starting', 'none'])
export type StackHealth = z.infer<typeof stackHealthSchema>

export const stackPortSchema = z.object({
  containerPort: z.number(),
  protocol: z.string(),
  hostIp: z.string(),
  /** null while the container is not running (a port the engine picks is known only then). */
  hostPort: z.number().nullable(),
})
export type StackPort = z.infer<typeof stackPortSchema>

export const stackInstanceSchema = z.object({
  /** Container name, e.g. maildock-emailer-2. */
  name: z.string(),
  /** Container id; empty when missing. */
  id: z.string(),
  replica: z.number(),
  state: stackInstanceStateSchema,
  health: stackHealthSchema,
  /** The last health check's output when not healthy. */
  healthOutput: z.string().nullable(),
  ports: z.array(stackPortSchema),
  startedAt: z.number().nullable(),
  uptimeMs: z.number().nullable(),
  restarts: z.number(),
  exitCode: z.number().nullable(),
  image: z.string(),
  /** Same configuration as the settings ask for; false: `up` would re-create it; null: unknown. */
  upToDate: z.boolean().nullable(),
})
export type StackInstance = z.infer<typeof stackInstanceSchema>

export const stackServiceStateSchema = z.enum([
  'running',
  'starting',
  'degraded',
  'stopped',
  'missing',
  'disabled',
])

export const stackServiceStatusSchema = z.object({
  service: stackServiceSchema,
  /** The catcher is disabled when a real SMTP relay is set. */
  enabled: z.boolean(),
  desiredReplicas: z.number(),
  state: stackServiceStateSchema,
  health: stackHealthSchema,
  instances: z.array(stackInstanceSchema),
  /** Links a user can open (the API, the catcher's UI, the broker's management UI). */
  links: z.array(z.object({ label: z.string(), url: z.string() })),
})
export type StackServiceStatus = z.infer<typeof stackServiceStatusSchema>

export const stackOperationKinds = ['up', 'down', 'restart', 'start', 'stop', 'scale'] as const
export const stackOperationKindSchema = z.enum(stackOperationKinds)
export type StackOperationKind = z.infer<typeof stackOperationKindSchema>

export const stackStatusSchema = z.object({
  name: z.string(),
  engine: z.object({
    state: z.enum(['connecting', 'connected', 'unreachable']),
    error: z.string().nullable(),
  }),
  /**
   * absent: nothing of the stack exists; up: every enabled service running and healthy;
   * starting: running, some not healthy yet; partial: some missing, stopped or unhealthy;
   * stopped: containers exist, none running; unknown: the engine cannot be reached.
   */
  state: z.enum(['absent', 'up', 'starting', 'partial', 'stopped', 'unknown']),
  /** The operation running now, if any (its steps come with `stack:progress`). */
  busy: z
    .object({ operationId: z.string(), kind: stackOperationKindSchema, startedAt: z.number() })
    .nullable(),
  services: z.array(stackServiceStatusSchema),
  network: z.object({ name: z.string(), exists: z.boolean() }),
  volumes: z.array(z.object({ name: z.string(), exists: z.boolean() })),
  /** Settings that could not be read; the status then cannot say what is up to date. */
  problems: z.array(z.string()),
  /** Settings that work but weaken security (a relay password sent in clear text). */
  warnings: z.array(z.string()).optional(),
  checkedAt: z.number(),
})
export type StackStatus = z.infer<typeof stackStatusSchema>

// ----- operations and progress -----

export const stackStepKinds = [
  'lock',
  'settings',
  'bundle',
  'build',
  'pull',
  'network',
  'volume',
  'remove',
  'create',
  'start',
  'stop',
  'restart',
  'health',
  'rollback',
] as const
export const stackStepKindSchema = z.enum(stackStepKinds)
export type StackStepKind = z.infer<typeof stackStepKindSchema>

export const stackStepStateSchema = z.enum(['pending', 'running', 'done', 'failed', 'skipped'])

export const stackStepSchema = z.object({
  id: z.string(),
  kind: stackStepKindSchema,
  service: stackServiceSchema.nullable(),
  /** "Build image maildock/api:3f2a…", "Start maildock-broker-1", "Wait for broker healthy". */
  title: z.string(),
  state: stackStepStateSchema,
  startedAt: z.number().nullable(),
  endedAt: z.number().nullable(),
  /** The latest line: a build step, a pull status, the health check's last output. */
  detail: z.string().nullable(),
  /** Build steps (unit steps) or pulled bytes (unit bytes). */
  progress: z
    .object({ current: z.number(), total: z.number(), unit: z.enum(['steps', 'bytes']) })
    .nullable(),
  /** Output kept for the step (the tail of a build, a failing container's logs). */
  logs: z.array(z.string()),
})
export type StackStep = z.infer<typeof stackStepSchema>

export const stackOperationSchema = z.object({
  id: z.string(),
  kind: stackOperationKindSchema,
  stack: z.string(),
  state: z.enum(['running', 'succeeded', 'failed']),
  startedAt: z.number(),
  endedAt: z.number().nullable(),
  elapsedMs: z.number(),
  steps: z.array(stackStepSchema),
  /** Why it failed; `details.logs` holds the failing step's logs. */
  error: errorPayload.nullable(),
  /** "created 6 containers", "nothing to do", "scaled emailer to 3". */
  summary: z.string().nullable(),
})
export type StackOperation = z.infer<typeof stackOperationSchema>

export const stackChangeSchema = z.object({
  created: z.array(z.string()),
  recreated: z.array(z.string()),
  started: z.array(z.string()),
  stopped: z.array(z.string()),
  removed: z.array(z.string()),
  builtImages: z.array(z.string()),
  pulledImages: z.array(z.string()),
})
export type StackChange = z.infer<typeof stackChangeSchema>

export const stackResultSchema = z.object({
  operation: stackOperationSchema,
  changes: stackChangeSchema,
  /** Nothing was created, started or removed. */
  unchanged: z.boolean(),
  warnings: z.array(z.string()),
  status: stackStatusSchema,
})
export type StackResult = z.infer<typeof stackResultSchema>

// ----- export -----

export const exportTargets = ['compose', 'swarm', 'kubernetes'] as const
export type ExportTarget = (typeof exportTargets)[number]

export const stackExportInput = z
  .object({
    /** Write the broker and SMTP passwords into the env file (otherwise left for the user). */
    includeSecrets: z.boolean().default(false),
    target: z.enum(exportTargets).default('compose'),
    /** Swarm: ports on the task's node with DNS round robin (no IPVS needed), or the routing mesh. */
    swarmPorts: z.enum(['host', 'ingress']).default('host'),
  })
  .strict()

export type StackExportInput = z.infer<typeof stackExportInput>

export const exportFileSchema = z.object({
  /** Relative path in the export's folder. */
  path: z.string(),
  content: z.string(),
  /** Holds secrets or the commands creating them: written with mode 0600. */
  secret: z.boolean(),
})
export type ExportFile = z.infer<typeof exportFileSchema>

export const stackExportSchema = z.object({
  target: z.enum(exportTargets),
  /** Every file of the export (compose: compose.yaml and .env). */
  files: z.array(exportFileSchema),
  /** The commands that run it, in order. */
  howToRun: z.array(z.string()),
  /** The compose (or swarm stack) file; empty for kubernetes. */
  compose: z.string(),
  /** compose: the `.env` file the compose file reads (secrets only if asked); else empty. */
  env: z.string(),
  variables: z.array(z.object({ name: z.string(), secret: z.boolean(), description: z.string() })),
  /** Suggested project name for `docker compose -p`. */
  project: z.string(),
  warnings: z.array(z.string()),
})
export type StackExport = z.infer<typeof stackExportSchema>

// ----- logs -----

export const stackLogsInput = z
  .object({
    service: stackServiceSchema,
    /** Lines of history per instance before following. */
    tail: z.number().int().min(0).max(100_000).default(200),
    follow: z.boolean().default(true),
  })
  .strict()

export const stackLogBatchSchema = z.object({
  lines: z.array(
    z.object({
      /** Container name, so replicas can be told apart. */
      instance: z.string(),
      stream: z.enum(['stdout', 'stderr']),
      time: z.string(),
      text: z.string(),
    }),
  ),
  dropped: z.number(),
})
export type StackLogBatch = z.infer<typeof stackLogBatchSchema>

// ----- channels and events -----

const empty = z.object({}).strict()

export const stackChannels = {
  /** Each service's state, health, ports, uptime and restarts, read now. */
  'stack:status': channel(empty, stackStatusSchema),
  /** Build, create and start what is missing or stale; resolves when every service is healthy. */
  'stack:up': channel(empty, stackResultSchema),
  /** Remove the stack's containers and network; its volumes too only with `volumes`. */
  'stack:down': channel(
    z.object({ volumes: z.boolean().default(false) }).strict(),
    stackResultSchema,
  ),
  /** Restart every instance of one service and wait until it is healthy again. */
  'stack:restart': channel(z.object({ service: stackServiceSchema }).strict(), stackResultSchema),
  'stack:service-action': channel(
    z.object({ service: stackServiceSchema, action: z.enum(['start', 'stop']) }).strict(),
    stackResultSchema,
  ),
  /** Saved in the settings, then applied: new replicas are started, extra ones removed. */
  'stack:scale': channel(
    z
      .object({
        service: z.literal('emailer'),
        replicas: stackSettingsSchema.shape.emailerReplicas,
      })
      .strict(),
    stackResultSchema,
  ),
  'stack:export': channel(stackExportInput, stackExportSchema),
  'stack:settings-get': channel(empty, stackSettingsViewSchema),
  'stack:settings-set': channel(stackSettingsSetInput, stackSettingsViewSchema),
}

export const stackEvents = {
  /** The running (or last) operation: every step with its state, progress and logs. */
  'stack:progress': event(empty, stackOperationSchema),
  /** The status, pushed whenever a container of the stack or the engine changes. */
  'stack:changed': event(empty, stackStatusSchema),
  /** Logs of every instance of a service, in bounded batches. */
  'stack:logs': event(stackLogsInput, stackLogBatchSchema),
}
