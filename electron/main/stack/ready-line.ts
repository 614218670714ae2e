import type Docker from 'dockerode'
import { streamContainerLogs } from '../docker'

/**
 * Resolves with the first line one of the containers prints after `sinceMs` that matches
 * `pattern`, and stays pending otherwise; following stops once it is seen or `signal` aborts.
 * Only a hint (the health check still decides), so a log that cannot be read is ignored.
 */
export function readyLineSeen(
  docker: Docker,
  ids: readonly string[],
  pattern: RegExp,
  sinceMs: number,
  signal: AbortSignal,
): Promise<string> {
  return new Promise((resolve) => {
    const seen = new AbortController()
    const stop = AbortSignal.any([signal, seen.signal])
    for (const id of ids) {
      streamContainerLogs(
        docker,
        { id, tail: 'all', since: sinceMs, follow: true, stdout: true, stderr: true },
        {
          emit: ({ lines }) => {
            const line = lines.find((candidate) => pattern.test(candidate.text))
            if (line === undefined || stop.aborted) return
            seen.abort()
            resolve(line.text)
          },
          signal: stop,
        },
      ).catch(() => undefined)
    }
  })
}
