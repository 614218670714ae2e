import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { LayerProgress, PullProgress } from '../../../shared/contract'
import { brokenStream, isAbort, isConnectionFailure, toMaildockError } from './errors'
import { JsonLines } from '../lib/json-lines'
import { asReadable, settle } from '../lib/streams'

export interface PullMessage {
  status?: string
  id?: string
  progressDetail?: { current?: number; total?: number }
  error?: string
  errorDetail?: { message?: string }
}

const LAYER_DONE = new Set(['Pull complete', 'Already exists'])

/** Folds the engine's pull messages into one snapshot per layer. */
export class PullTracker {
  private readonly layers = new Map<string, LayerProgress>()
  private status = 'Waiting for the engine'
  error: string | undefined

  constructor(
    private readonly ref: string,
    private readonly startedAt = Date.now(),
  ) {}

  apply(message: PullMessage): void {
    if (message.error || message.errorDetail?.message) {
      this.error = message.errorDetail?.message || message.error
      return
    }
    const status = message.status ?? ''
    const id = message.id
    // "Pulling from library/x" carries the tag as its id: it is not a layer.
    if (!id || status.startsWith('Pulling from') || status.startsWith('Pulling repository')) {
      if (status)
        this.status = id && status.startsWith('Pulling from') ? `${status} (${id})` : status
      return
    }
    const previous = this.layers.get(id)
    const detail = message.progressDetail ?? {}
    const layer: LayerProgress = {
      id,
      status,
      done: LAYER_DONE.has(status) || Boolean(previous?.done && status === 'Download complete'),
    }
    if (detail.total && detail.total > 0) {
      layer.current = detail.current ?? 0
      layer.total = detail.total
    } else if (status === 'Download complete' || status === 'Verifying Checksum') {
      if (previous?.total !== undefined) {
        layer.current = previous.total
        layer.total = previous.total
      }
    }
    this.layers.set(id, layer)
  }

  snapshot(done: boolean): PullProgress {
    return {
      ref: this.ref,
      layers: [...this.layers.values()].map((l) => ({ ...l })),
      status: this.status,
      startedAt: this.startedAt,
      done,
    }
  }
}

const SNAPSHOT_INTERVAL_MS = 100

/**
 * Pulls an image, emitting per-layer snapshots at most every 100 ms and a last one with done.
 * Aborting the signal aborts the request in dockerode: the engine stops the pull.
 */
export async function pullImage(
  docker: Docker,
  ref: string,
  sink: { emit(progress: PullProgress): void; signal: AbortSignal },
): Promise<void> {
  const tracker = new PullTracker(ref)
  sink.emit(tracker.snapshot(false))
  let source: Readable
  try {
    source = asReadable(await docker.pull(ref, { abortSignal: sink.signal }))
  } catch (error) {
    if (isAbort(error) || sink.signal.aborted) return
    throw toMaildockError(error)
  }
  let timer: NodeJS.Timeout | undefined
  const lines = new JsonLines<PullMessage>((message) => {
    tracker.apply(message)
    timer ??= setTimeout(() => {
      timer = undefined
      sink.emit(tracker.snapshot(false))
    }, SNAPSHOT_INTERVAL_MS)
  })
  source.on('data', (chunk: Buffer) => lines.push(chunk))
  const outcome = await settle(source, sink.signal)
  clearTimeout(timer)
  if (outcome === 'aborted') return
  if (outcome instanceof Error) {
    throw isConnectionFailure(outcome) ? brokenStream(`Pulling ${ref}`) : toMaildockError(outcome)
  }
  lines.end()
  if (tracker.error) throw toMaildockError(new Error(tracker.error))
  sink.emit(tracker.snapshot(true))
}
