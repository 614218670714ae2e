import { createReadStream } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { z } from 'zod'
import { MaildockError, type BuildOutput, type buildInput } from '../../../shared/contract'
import { Batcher } from '../lib/batcher'
import { resolveBuildContext } from './build-context'
import { brokenStream, engineCall, isAbort, isConnectionFailure, toMaildockError } from './errors'
import { JsonLines } from '../lib/json-lines'
import { asReadable, settle } from '../lib/streams'

type BuildInput = z.output<typeof buildInput>

interface BuildMessage {
  stream?: string
  status?: string
  id?: string
  aux?: { ID?: string }
  error?: string
  errorDetail?: { message?: string }
}

const STEP = /^Step (\d+)\/(\d+) :/

/** Every file under a folder, relative and with forward slashes (dockerode applies .dockerignore). */
export async function listContextFiles(folder: string): Promise<string[]> {
  const files: string[] = []
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) await walk(path)
      else files.push(relative(folder, path).split(sep).join('/'))
    }
  }
  await walk(folder)
  return files.sort()
}

async function contextOf(
  input: BuildInput,
): Promise<Readable | { context: string; src: string[] }> {
  const path = await resolveBuildContext(input.context.kind, input.context.path)
  if (input.context.kind === 'archive') return createReadStream(path)
  return { context: path, src: await listContextFiles(path) }
}

/** Follows the builder's output: lines, the current step, the image id, the error if any. */
export class BuildTracker {
  step: BuildOutput['step'] = null
  imageId: string | undefined
  error: string | undefined
  private partial = ''

  constructor(private readonly onLine: (line: string) => void) {}

  apply(message: BuildMessage): void {
    if (message.error || message.errorDetail?.message) {
      this.error = message.errorDetail?.message || message.error
      return
    }
    if (message.aux?.ID) this.imageId = message.aux.ID
    const text =
      message.stream ??
      (message.status ? `${message.id ? `${message.id}: ` : ''}${message.status}\n` : '')
    if (!text) return
    const pieces = (this.partial + text).split('\n')
    this.partial = pieces.pop() ?? ''
    for (const piece of pieces) this.line(piece)
  }

  end(): void {
    if (this.partial) this.line(this.partial)
    this.partial = ''
  }

  private line(text: string): void {
    const step = STEP.exec(text)
    if (step) this.step = { current: Number(step[1]), total: Number(step[2]) }
    this.onLine(text)
  }
}

/** The engine takes one tag per build here; the others are added afterwards. */
async function tagRest(docker: Docker, imageId: string, tags: string[]): Promise<void> {
  for (const ref of tags) {
    const at = ref.lastIndexOf(':')
    const hasTag = at > ref.lastIndexOf('/')
    const repo = hasTag ? ref.slice(0, at) : ref
    const tag = hasTag ? ref.slice(at + 1) : 'latest'
    await engineCall(() => docker.getImage(imageId).tag({ repo, tag }))
  }
}

/** Builds an image, streaming output in bounded batches; aborting the signal stops the build. */
export async function buildImage(
  docker: Docker,
  input: BuildInput,
  sink: { emit(output: BuildOutput): void; signal: AbortSignal },
): Promise<void> {
  const context = await contextOf(input)
  const tracker = new BuildTracker((line) => batcher.push(line))
  const batcher = new Batcher<string>({
    intervalMs: 100,
    maxPending: 5_000,
    flush: (lines, dropped) => sink.emit({ lines, dropped, step: tracker.step, done: false }),
  })
  let source: Readable
  try {
    const [firstTag] = input.tags
    source = asReadable(
      await docker.buildImage(context, {
        ...(firstTag ? { t: firstTag } : {}),
        ...(input.dockerfile ? { dockerfile: input.dockerfile } : {}),
        ...(input.buildArgs ? { buildargs: input.buildArgs } : {}),
        ...(input.labels ? { labels: input.labels } : {}),
        nocache: input.noCache,
        rm: true,
        forcerm: true,
        abortSignal: sink.signal,
      }),
    )
  } catch (error) {
    batcher.discard()
    if (isAbort(error) || sink.signal.aborted) return
    throw toMaildockError(error)
  }
  const lines = new JsonLines<BuildMessage>((m) => tracker.apply(m))
  source.on('data', (chunk: Buffer) => lines.push(chunk))
  const outcome = await settle(source, sink.signal)
  if (outcome === 'aborted') {
    batcher.discard()
    return
  }
  lines.end()
  tracker.end()
  batcher.flushNow()
  if (outcome instanceof Error) {
    throw isConnectionFailure(outcome) ? brokenStream('The build') : toMaildockError(outcome)
  }
  if (tracker.error) {
    const at = tracker.step ? ` at step ${tracker.step.current}/${tracker.step.total}` : ''
    throw new MaildockError(
      'INVALID_INPUT',
      `The build failed${at}: ${tracker.error}. Fix the Dockerfile or the context and build again.`,
      { step: tracker.step },
    )
  }
  batcher.discard()
  const imageId = tracker.imageId
  if (imageId) await tagRest(docker, imageId, input.tags.slice(1))
  sink.emit({
    lines: [],
    dropped: 0,
    step: tracker.step,
    done: true,
    ...(imageId ? { imageId } : {}),
  })
}
