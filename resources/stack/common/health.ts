import { createServer, type Server } from 'node:http'
import { sleep } from '../../../shared/backoff'

export interface HealthStatus {
  live: boolean
  ready: boolean
  [detail: string]: unknown
}

/**
 * GET /health (200 when ready, else 503), /health/live and /health/ready, for the image's
 * HEALTHCHECK and for orchestration. Services without their own HTTP server use this one.
 */
export const HEALTH_PATHS = ['/health', '/health/live', '/health/ready'] as const
export type HealthPath = (typeof HEALTH_PATHS)[number]

const isHealthPath = (path: string): path is HealthPath =>
  (HEALTH_PATHS as readonly string[]).includes(path)

/** The longest `?wait=` honoured: under the 10 s time-out MailDock gives the image's check. */
export const MAX_HEALTH_WAIT_MS = 8_000
const WAIT_POLL_MS = 50

/** `?wait=` in seconds, as milliseconds within 0..MAX_HEALTH_WAIT_MS. */
export function healthWaitMs(raw: unknown): number {
  const seconds = Number(raw)
  return Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds * 1000, MAX_HEALTH_WAIT_MS) : 0
}

const passes = (path: HealthPath, status: HealthStatus): boolean =>
  path === '/health/live'
    ? status.live
    : path === '/health/ready'
      ? status.ready
      : status.live && status.ready

export type HealthProbe = (
  path: HealthPath,
  waitMs: number,
  open: () => boolean,
) => Promise<{ ok: boolean; status: HealthStatus }>

/**
 * Answers a health path; with `waitMs`, holds the answer while the service has never been ready
 * (and its server is open), so the image's check passes the moment it connects rather than at
 * its next run, 2 s later. Once it has been ready, every answer is immediate: a later failure is
 * seen as soon as before.
 */
export function healthProbe(status: () => HealthStatus): HealthProbe {
  let beenReady = false
  return async (path, waitMs, open) => {
    const deadline = Date.now() + waitMs
    for (;;) {
      const current = status()
      if (current.live && current.ready) beenReady = true
      const ok = passes(path, current)
      if (ok || beenReady || Date.now() >= deadline || !open()) return { ok, status: current }
      await sleep(WAIT_POLL_MS)
    }
  }
}

function parsedUrl(url: string): URL | null {
  try {
    return new URL(url, 'http://health')
  } catch {
    return null
  }
}

export function startHealthServer(port: number, status: () => HealthStatus): Promise<Server> {
  const probe = healthProbe(status)
  const server = createServer((request, response) => {
    const url = parsedUrl(request.url ?? '/')
    if (request.method !== 'GET' || url === null || !isHealthPath(url.pathname)) {
      response.writeHead(404).end()
      return
    }
    const waitMs = healthWaitMs(url.searchParams.get('wait'))
    void probe(url.pathname, waitMs, () => server.listening).then(({ ok, status: current }) =>
      response
        .writeHead(ok ? 200 : 503, {
          'content-type': 'application/json',
          // A check held across close(): its connection must not keep the server open.
          ...(server.listening ? {} : { connection: 'close' }),
        })
        .end(JSON.stringify(current)),
    )
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '0.0.0.0', () => resolve(server))
  })
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
