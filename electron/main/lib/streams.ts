import { Readable } from 'node:stream'
import { MaildockError } from '../../../shared/contract'

/** dockerode types its streams as NodeJS.ReadableStream; the real thing is an http response. */
export function asReadable(stream: NodeJS.ReadableStream | Buffer): Readable {
  if (Buffer.isBuffer(stream)) return Readable.from([stream])
  if (stream instanceof Readable) return stream
  throw new MaildockError('INTERNAL', 'The engine answered with something that is not a stream')
}

export type StreamOutcome = 'ended' | 'aborted' | Error

/** Waits for a response stream to end, fail, or be cancelled (the stream is destroyed on abort). */
export function settle(source: Readable, signal: AbortSignal): Promise<StreamOutcome> {
  return new Promise<StreamOutcome>((resolve) => {
    const onAbort = (): void => {
      source.destroy()
      resolve('aborted')
    }
    if (signal.aborted) {
      onAbort()
      return
    }
    signal.addEventListener('abort', onAbort, { once: true })
    const finish = (outcome: StreamOutcome): void => {
      signal.removeEventListener('abort', onAbort)
      resolve(signal.aborted ? 'aborted' : outcome)
    }
    source.once('end', () => finish('ended'))
    source.once('error', (error) => finish(error))
    source.once('close', () => {
      if (source.readableEnded) finish('ended')
      else
        finish(
          Object.assign(new Error('The stream closed early'), {
            code: 'ERR_STREAM_PREMATURE_CLOSE',
          }),
        )
    })
  })
}

/** Resolves once the subscriber goes away (the signal aborts), after calling `stop`. */
export function untilAborted(signal: AbortSignal, stop: () => void): Promise<void> {
  return new Promise((resolve) => {
    const end = (): void => {
      stop()
      resolve()
    }
    if (signal.aborted) end()
    else signal.addEventListener('abort', end, { once: true })
  })
}
