// Builds the stack's service images with dockerode from a tar build context (Dockerfile and
// the bundled dist/), streaming the engine's progress. The stack's own integration tests use it.
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { LABELS } from '../../shared/labels'
import { bundleServices, serviceDir, STACK_SERVICES, type StackService } from './build'

export const DEFAULT_BASE_IMAGE = 'node:20-bookworm-slim'

export interface BuildProgress {
  service: StackService
  /** One line of build output, e.g. "Step 3/9 : COPY dist/ /app/". */
  message: string
  step?: number
  totalSteps?: number
}

export interface BuildServiceImageOptions {
  docker: Docker
  service: StackService
  tag: string
  baseImage?: string
  labels?: Record<string, string>
  onProgress?: (progress: BuildProgress) => void
  signal?: AbortSignal
}

interface BuildEvent {
  stream?: string
  status?: string
  error?: string
  errorDetail?: { message?: string }
  aux?: { ID?: string }
}

/** Resolves with the image id; rejects with the engine's error line when a step fails. */
export async function buildServiceImage(options: BuildServiceImageOptions): Promise<string> {
  const { docker, service, tag, onProgress } = options
  const context = serviceDir(service)
  await access(join(context, 'dist', 'index.js')).catch(() => {
    throw new Error(
      `${service} is not bundled yet: run bundleServices() (resources/stack/build.ts)`,
    )
  })
  const stream = await docker.buildImage(
    { context, src: ['Dockerfile', 'dist/index.js', 'dist/package.json'] },
    {
      t: tag,
      buildargs: { BASE_IMAGE: options.baseImage ?? DEFAULT_BASE_IMAGE },
      labels: { [LABELS.service]: service, ...options.labels },
      // No `pull`: the engine uses the local base image and only pulls one that is missing.
      rm: true,
      forcerm: true,
      ...(options.signal === undefined ? {} : { abortSignal: options.signal }),
    },
  )
  return new Promise((resolve, reject) => {
    let imageId: string | undefined
    let failure: string | undefined
    docker.modem.followProgress(
      stream,
      (error: Error | null) => {
        if (error !== null) reject(error)
        else if (failure !== undefined) reject(new Error(`building ${service} failed: ${failure}`))
        else if (imageId === undefined) reject(new Error(`building ${service} gave no image id`))
        else resolve(imageId)
      },
      (event: BuildEvent) => {
        if (event.aux?.ID !== undefined) imageId = event.aux.ID
        const error = event.errorDetail?.message ?? event.error
        if (error !== undefined) failure = error.trim()
        const message = (error ?? event.stream ?? event.status ?? '').trim()
        if (message === '') return
        const step = /^Step (\d+)\/(\d+)/.exec(message)
        onProgress?.({
          service,
          message,
          ...(step === null ? {} : { step: Number(step[1]), totalSteps: Number(step[2]) }),
        })
      },
    )
  })
}

export interface BuildStackImagesOptions extends Omit<BuildServiceImageOptions, 'service' | 'tag'> {
  /** Image name for each service, e.g. (service) => `maildock/${service}:local`. */
  tagFor?: (service: StackService) => string
  services?: readonly StackService[]
}

/** Bundles the services, then builds their images one after another. */
export async function buildStackImages(
  options: BuildStackImagesOptions,
): Promise<Record<StackService, string>> {
  const services = options.services ?? STACK_SERVICES
  const tagFor = options.tagFor ?? ((service: StackService) => `maildock/${service}:local`)
  await bundleServices(services)
  const tags: Partial<Record<StackService, string>> = {}
  for (const service of services) {
    await buildServiceImage({ ...options, service, tag: tagFor(service) })
    tags[service] = tagFor(service)
  }
  return tags as Record<StackService, string>
}
