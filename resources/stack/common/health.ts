import { createServer, type Server } from 'node:http'

export interface HealthStatus {
  live: boolean
  ready: boolean
  [detail: string]: unknown
}

/**
 * GET /health (200 when ready, else 503), /health/live and /health/ready, for the image's
 * HEALTHCHECK and for orchestration. Services without their own HTTP server use this one.
 */
const HEALTH_PATHS = ['/health', '/health/live', '/health/ready']

export function startHealthServer(port: number, status: () => HealthStatus): Promise<Server> {
  const server = createServer((request, response) => {
    const current = status()
    const path = (request.url ?? '/').split('?')[0] ?? '/'
    if (request.method !== 'GET' || !HEALTH_PATHS.includes(path)) {
      response.writeHead(404).end()
      return
    }
    const healthy = path === '/health/live' ? current.live : current.live && current.ready
    response
      .writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' })
      .end(JSON.stringify(current))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '0.0.0.0', () => resolve(server))
  })
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()))
}
