// A raw HTTP/1.1 client for fuzzing: sends exactly the bytes given (lying lengths, bad header
// lines, odd methods) and reads the status line, or reports that no answer came.
import { connect } from 'node:net'

export interface RawRequest {
  method: string
  path: string
  /** Header lines as sent, in order (duplicates and malformed lines allowed). */
  headers: Array<[string, string]>
  body: Buffer
  /** Cut the connection after sending this many bytes (a client dropping mid-request). */
  cutAfter?: number
}

/** A status code, 'no-answer' (closed or timed out without a status line) or 'refused'. */
export type RawOutcome = number | 'no-answer' | 'refused'

export function encodeRequest(request: RawRequest): Buffer {
  const head = [`${request.method} ${request.path} HTTP/1.1`]
  for (const [name, value] of request.headers) head.push(`${name}: ${value}`)
  return Buffer.concat([Buffer.from(`${head.join('\r\n')}\r\n\r\n`, 'latin1'), request.body])
}

export function sendRaw(port: number, request: RawRequest, timeoutMs = 2_000): Promise<RawOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    const chunks: Buffer[] = []
    let settled = false
    const finish = (outcome: RawOutcome) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(outcome)
    }
    const statusOf = (): RawOutcome => {
      const match = /^HTTP\/1\.[01] (\d{3})/.exec(Buffer.concat(chunks).toString('latin1'))
      return match === null ? 'no-answer' : Number(match[1])
    }
    const timer = setTimeout(() => finish(statusOf()), timeoutMs)
    socket.on('error', (error: NodeJS.ErrnoException) =>
      finish(error.code === 'ECONNREFUSED' ? 'refused' : statusOf()),
    )
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
      if (/^HTTP\/1\.[01] \d{3}[^\r]*\r\n/.test(Buffer.concat(chunks).toString('latin1'))) {
        finish(statusOf())
      }
    })
    socket.on('close', () => finish(statusOf()))
    socket.on('connect', () => {
      const bytes = encodeRequest(request)
      if (request.cutAfter !== undefined && request.cutAfter < bytes.length) {
        socket.end(bytes.subarray(0, request.cutAfter))
      } else {
        socket.write(bytes)
      }
    })
  })
}

/** Runs tasks with at most `limit` in flight. */
export async function inBatches<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next
      next += 1
      results[index] = await task(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1
  return counts
}
