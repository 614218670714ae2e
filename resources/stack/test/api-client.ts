// Posting emails to the api the way a careful client does: retry 503s and connection errors
// with the same Idempotency-Key until the api answers 202.
import { Agent, request as httpRequest } from 'node:http'
import { delay } from './docker-helpers'
import { errorMessage } from '../../../shared/error-message'

export interface PostResult {
  id: string
  attempts: number
  /** Milliseconds from the first try to the 202. */
  elapsedMs: number
}

export async function postEmail(
  apiUrl: string,
  body: unknown,
  idempotencyKey: string,
  options: { path?: string; timeoutMs?: number } = {},
): Promise<PostResult> {
  const started = Date.now()
  const deadline = started + (options.timeoutMs ?? 120_000)
  for (let attempts = 1; ; attempts += 1) {
    let detail: string
    try {
      const response = await fetch(`${apiUrl}${options.path ?? '/emails'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': idempotencyKey },
        body: JSON.stringify(body),
      })
      const text = await response.text()
      if (response.status === 202) {
        const { id } = JSON.parse(text) as { id: string }
        return { id, attempts, elapsedMs: Date.now() - started }
      }
      if (response.status !== 503) throw new Error(`POST answered ${response.status}: ${text}`)
      detail = text
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('POST answered')) throw error
      detail = errorMessage(error)
    }
    if (Date.now() > deadline) throw new Error(`email ${idempotencyKey} never accepted: ${detail}`)
    await delay(Math.min(1000, 100 * attempts))
  }
}

/** Posts `count` emails with `concurrency` clients; `onAccepted` sees each 202 as it comes. */
export async function postMany(
  apiUrl: string,
  count: number,
  emailFor: (index: number) => { key: string; body: unknown; path?: string },
  options: { concurrency?: number; onAccepted?: (accepted: number) => void } = {},
): Promise<PostResult[]> {
  const results: PostResult[] = new Array<PostResult>(count)
  let next = 0
  let accepted = 0
  const worker = async () => {
    while (next < count) {
      const index = next
      next += 1
      const { key, body, path } = emailFor(index)
      results[index] = await postEmail(apiUrl, body, key, path === undefined ? {} : { path })
      accepted += 1
      options.onAccepted?.(accepted)
    }
  }
  await Promise.all(Array.from({ length: options.concurrency ?? 8 }, worker))
  return results
}

/**
 * A lighter client than fetch for benchmarks: node:http over a keep-alive agent. Resolves with
 * the status code and body of one request.
 */
export function keepAliveClient(baseUrl: string, maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets })
  const target = new URL(baseUrl)
  const send = (
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const payload = body === undefined ? undefined : JSON.stringify(body)
      const request = httpRequest(
        {
          agent,
          host: target.hostname,
          port: target.port,
          method,
          path,
          headers: {
            ...headers,
            ...(payload === undefined
              ? {}
              : {
                  'content-type': 'application/json',
                  'content-length': Buffer.byteLength(payload),
                }),
          },
        },
        (response) => {
          const chunks: Buffer[] = []
          response.on('data', (chunk: Buffer) => chunks.push(chunk))
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString() }),
          )
          response.on('error', reject)
        },
      )
      request.on('error', reject)
      request.end(payload)
    })
  return { send, close: () => agent.destroy() }
}
