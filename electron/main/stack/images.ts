import type Docker from 'dockerode'
import { MaildockError, type PullProgress, type StackServiceName } from '../../../shared/contract'
import { engineCall, toMaildockError, buildImage, pullImage } from '../docker'
import { LABELS } from '../../../shared/labels'
import type { BuiltService, ImageSource, ServiceSpec, StackDefinition } from './definition'
import type { ImageRef } from './container-spec'
import type { Operation, Step } from './operation'
import { bundle, contextHash, serviceImageTag, staleBundles } from './sources'

/** The setting that names each image, for messages. */
const IMAGE_SETTING: Record<string, string> = {
  broker: 'MAILDOCK_BROKER_IMAGE',
  catcher: 'MAILDOCK_CATCHER_IMAGE',
  node: 'MAILDOCK_NODE_IMAGE',
}

export interface ResolvedImages {
  byService: Map<StackServiceName, ImageRef>
  built: string[]
  pulled: string[]
  /** Services whose image is not on the engine (only when not allowed to build or pull). */
  missing: string[]
}

export interface ResolveOptions {
  docker: Docker
  definition: StackDefinition
  stackDir: string | null
  /** A packaged app: never bundles, uses the bundles it ships. */
  packaged: boolean
  /** Build and pull what is missing, reporting steps; without it, only look. */
  operation?: Operation
  signal?: AbortSignal
}

/** Waits for every task (no build left running unseen), then fails with the first failure. */
async function allOrFirstError(tasks: Array<Promise<unknown>>): Promise<void> {
  for (const outcome of await Promise.allSettled(tasks)) {
    if (outcome.status === 'rejected') throw outcome.reason
  }
}

export async function imageId(docker: Docker, ref: string): Promise<string | null> {
  try {
    return (await docker.getImage(ref).inspect()).Id
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return null
    throw toMaildockError(error)
  }
}

function pulledBytes(progress: PullProgress): { current: number; total: number; unit: 'bytes' } {
  let current = 0
  let total = 0
  for (const layer of progress.layers) {
    current += layer.current ?? 0
    total += layer.total ?? 0
  }
  return { current, total, unit: 'bytes' }
}

async function pull(docker: Docker, ref: string, role: string, step: Step, signal: AbortSignal) {
  try {
    await pullImage(docker, ref, {
      signal,
      emit: (progress) => step.update({ detail: progress.status, progress: pulledBytes(progress) }),
    })
  } catch (error) {
    const cause = toMaildockError(error)
    if (cause.code === 'ENGINE_UNREACHABLE' || cause.code === 'CANCELLED') throw cause
    throw new MaildockError(
      'NOT_FOUND',
      `Image ${ref} is not on this engine and could not be pulled (${cause.message}). Build or load it, or set ${IMAGE_SETTING[role] ?? 'its setting'} to an image this engine has.`,
      { image: ref, cause: cause.message },
    )
  }
}

async function build(
  docker: Docker,
  context: { stackDir: string; service: BuiltService; baseImage: string; tag: string },
  labels: Record<string, string>,
  step: Step,
  signal: AbortSignal,
): Promise<void> {
  const tail: string[] = []
  try {
    await buildImage(
      docker,
      {
        context: { kind: 'folder', path: `${context.stackDir}/${context.service}` },
        tags: [context.tag],
        buildArgs: { BASE_IMAGE: context.baseImage },
        labels,
        noCache: false,
      },
      {
        signal,
        emit: (output) => {
          tail.push(...output.lines)
          step.log(output.lines)
          const last = output.lines[output.lines.length - 1]
          step.update({
            ...(last === undefined ? {} : { detail: last }),
            ...(output.step === null ? {} : { progress: { ...output.step, unit: 'steps' } }),
          })
        },
      },
    )
  } catch (error) {
    const cause = toMaildockError(error)
    throw new MaildockError(
      cause.code,
      `Building the ${context.service} image failed: ${cause.message}`,
      {
        logs: tail.slice(-60),
      },
    )
  }
}

type BuiltSpec = { spec: ServiceSpec; source: Extract<ImageSource, { kind: 'build' }> }

/** One resolveImages run: what it asks for, and what it found, pulled and built so far. */
interface Resolving {
  options: ResolveOptions
  signal: AbortSignal
  result: ResolvedImages
}

/**
 * Finds each service's image on the engine; with an operation, pulls the missing ones and builds
 * the api/emailer/logger images that are missing or stale (tagged by what they are built from).
 */
export async function resolveImages(options: ResolveOptions): Promise<ResolvedImages> {
  const run: Resolving = {
    options,
    signal: options.signal ?? new AbortController().signal,
    result: { byService: new Map(), built: [], pulled: [], missing: [] },
  }
  const builtServices = options.definition.services.flatMap((spec) =>
    spec.image.kind === 'build' ? [{ spec, source: spec.image }] : [],
  )
  if (builtServices.length > 0 && options.stackDir === null) {
    throw new MaildockError(
      'NOT_FOUND',
      'The stack service sources (resources/stack) were not found: reinstall MailDock or set MAILDOCK_STACK_DIR.',
    )
  }
  await bundleStale(options, builtServices)
  const ids = await resolveUsedImages(run)
  await allOrFirstError(builtServices.map((built) => resolveBuiltImage(run, built, ids)))
  return run.result
}

async function bundleStale(options: ResolveOptions, builtServices: BuiltSpec[]): Promise<void> {
  const { operation, stackDir } = options
  if (!operation || stackDir === null) return
  const policy = { packaged: options.packaged }
  const services = builtServices.map(({ source }) => source.service)
  const stale = await staleBundles(stackDir, services, policy)
  if (stale.length > 0) {
    await operation
      .step('bundle', `Bundle ${stale.join(', ')}`)
      .run(() => bundle(stackDir, stale, policy))
  }
}

/** Images used as they are (the broker, the catcher, the base of the built ones): ref -> id. */
async function resolveUsedImages({ options, signal, result }: Resolving) {
  const { docker, definition, operation } = options
  const refs = new Map<string, string>()
  for (const spec of definition.services) {
    if (spec.image.kind === 'image') refs.set(spec.image.ref, spec.service)
    else refs.set(spec.image.baseImage, 'node')
  }
  const ids = new Map<string, string>()
  await allOrFirstError(
    [...refs].map(async ([ref, role]) => {
      let id = await imageId(docker, ref)
      if (id === null && operation) {
        const service = role === 'node' ? null : (role as StackServiceName)
        const step = operation.step('pull', `Pull ${ref}`, service)
        await step.run(() => pull(docker, ref, role, step, signal))
        id = await imageId(docker, ref)
        result.pulled.push(ref)
      }
      if (id === null) result.missing.push(ref)
      else ids.set(ref, id)
    }),
  )
  for (const spec of definition.services) {
    if (spec.image.kind !== 'image') continue
    const id = ids.get(spec.image.ref)
    if (id !== undefined) result.byService.set(spec.service, { ref: spec.image.ref, id })
  }
  return ids
}

async function resolveBuiltImage(
  { options, signal, result }: Resolving,
  { spec, source }: BuiltSpec,
  ids: Map<string, string>,
): Promise<void> {
  const { docker, definition, operation, stackDir } = options
  const baseId = ids.get(source.baseImage)
  if (baseId === undefined || stackDir === null) return
  const hash = await contextHash(stackDir, source.service, baseId)
  const tag = serviceImageTag(source.service, hash)
  let id = await imageId(docker, tag)
  if (id === null && operation) {
    const labels = {
      ...definition.labels,
      [LABELS.service]: source.service,
      [LABELS.contextHash]: hash,
    }
    const context = { stackDir, service: source.service, baseImage: source.baseImage, tag }
    const step = operation.step('build', `Build ${tag}`, spec.service)
    await step.run(() => build(docker, context, labels, step, signal))
    id = await engineCall(async () => (await docker.getImage(tag).inspect()).Id)
    result.built.push(tag)
  }
  if (id === null) result.missing.push(tag)
  else result.byService.set(spec.service, { ref: tag, id })
}
