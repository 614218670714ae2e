import { PassThrough, Writable, type Readable } from 'node:stream'
import { finished } from 'node:stream/promises'
import type Docker from 'dockerode'
import type { z } from 'zod'
import type { containerLogsInput, LogBatch, LogLine } from '../../../shared/contract'
import { Batcher } from '../lib/batcher'
import { brokenStream, engineCall, isAbort, isConnectionFailure, toMaildockError } from './errors'
import { LogLineAssembler } from './log-lines'
import { asReadable, settle } from '../lib/streams'

export type LogStreamInput = z.output<typeof containerLogsInput>

export interface LogSink {
  emit(batch: LogBatch): void
  signal: AbortSignal
}

export interface LogStreamTuning {
  intervalMs: number
  /** Lines held between two batches; more are dropped (oldest first) and counted. */
  maxPending: number
}

export const DEFAULT_LOG_TUNING: LogStreamTuning = { intervalMs: 50, maxPending: 20_000 }

/** Engine `since`: seconds with a fraction, as the docker CLI sends it. */
const sinceParam = (ms: number): string => (ms / 1000).toFixed(9)

/*
 * modem.demuxStream copies the rest of its buffer after every frame, which is quadratic in the
 * chunk size: a 64 KiB chunk of short log lines costs ~12x more than the same bytes in 1 KiB
 * pieces (and recurses once per frame). So it is fed small slices of each chunk (no copies).
 */
const DEMUX_PIECE_BYTES = 1024

function demuxInPieces(
  docker: Docker,
  source: Readable,
  stdout: Writable,
  stderr: Writable,
): PassThrough {
  const feed = new PassThrough()
  source.on('data', (chunk: Buffer) => {
    for (let at = 0; at < chunk.length; at += DEMUX_PIECE_BYTES) {
      feed.write(chunk.subarray(at, at + DEMUX_PIECE_BYTES))
    }
  })
  docker.modem.demuxStream(feed, stdout, stderr)
  return feed
}

function lineWriter(assembler: LogLineAssembler): Writable {
  return new Writable({
    write(frame: Buffer, _encoding, done) {
      assembler.frame(frame)
      done()
    },
  })
}

/**
 * GET /containers/{id}/logs as a stream even without `follow` (dockerode would buffer the whole
 * history into one Buffer then), so history arrives chunk by chunk like a live tail.
 */
function openLogStream(
  docker: Docker,
  id: string,
  options: Record<string, unknown> & { abortSignal: AbortSignal },
): Promise<Readable> {
  return new Promise((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: 'GET',
        isStream: true,
        abortSignal: options.abortSignal,
        options,
        statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
      },
      (error: Error | null, stream: unknown) => {
        if (error) reject(error)
        else resolve(asReadable(stream as NodeJS.ReadableStream))
      },
    )
  })
}

/**
 * The one log-stream primitive: follows a container's stdout/stderr with timestamps, splits
 * frames with the modem's demuxer (non-TTY) or reads raw bytes (TTY), decodes UTF-8 across chunk
 * boundaries, and emits bounded batches every ~50 ms. Aborting `sink.signal` aborts the request
 * in dockerode. Resolves when the log ends (container stopped, or `follow: false`).
 */
export async function streamContainerLogs(
  docker: Docker,
  input: LogStreamInput,
  sink: LogSink,
  tuning: LogStreamTuning = DEFAULT_LOG_TUNING,
): Promise<void> {
  const container = docker.getContainer(input.id)
  const info = await engineCall(() => container.inspect({ abortSignal: sink.signal }))
  if (sink.signal.aborted) return

  const batcher = new Batcher<LogLine>({
    intervalMs: tuning.intervalMs,
    maxPending: tuning.maxPending,
    flush: (lines, dropped) => sink.emit({ lines, dropped }),
  })
  const push = (line: LogLine): void => batcher.push(line)
  const stdout = new LogLineAssembler('stdout', push)
  const stderr = new LogLineAssembler('stderr', push)

  const options = {
    stdout: input.stdout,
    stderr: input.stderr,
    timestamps: true,
    ...(input.tail === 'all' ? {} : { tail: input.tail }),
    ...(input.since === undefined ? {} : { since: sinceParam(input.since) }),
    abortSignal: sink.signal,
  }
  let source: Readable
  try {
    source = await openLogStream(docker, input.id, { ...options, follow: input.follow })
  } catch (error) {
    batcher.discard()
    if (isAbort(error) || sink.signal.aborted) return
    throw toMaildockError(error)
  }

  let feed: PassThrough | undefined
  if (info.Config.Tty) source.on('data', (chunk: Buffer) => stdout.chunk(chunk))
  else feed = demuxInPieces(docker, source, lineWriter(stdout), lineWriter(stderr))

  const outcome = await settle(source, sink.signal)

  if (outcome === 'aborted') {
    feed?.destroy()
    batcher.discard()
    return
  }
  if (feed) {
    feed.end()
    await finished(feed)
  }
  stdout.end()
  stderr.end()
  batcher.close()
  if (outcome instanceof Error) {
    throw isConnectionFailure(outcome) ? brokenStream('The log stream') : toMaildockError(outcome)
  }
  if (input.follow) await checkEngineStillThere(container)
}

/** A followed log also ends when the engine goes away: tell that apart from the container stopping. */
async function checkEngineStillThere(container: Docker.Container): Promise<void> {
  try {
    await container.inspect()
  } catch (error) {
    if (isConnectionFailure(error)) throw brokenStream('The log stream')
  }
}
