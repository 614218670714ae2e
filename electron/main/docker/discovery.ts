import type { Endpoint } from '../../../shared/contract'

/** Turns a DOCKER_HOST-style address into an endpoint description. */
export function endpointFromAddress(address: string, source: string): Endpoint {
  if (address.startsWith('unix://')) return { kind: 'socket', address, source }
  if (address.startsWith('npipe://')) return { kind: 'pipe', address, source }
  if (address.startsWith('ssh://')) return { kind: 'ssh', address, source }
  if (address.startsWith('tcp://') || address.startsWith('http')) return { kind: 'tcp', address, source }
  return { kind: 'socket', address: `unix://${address}`, source }
}

/** The endpoint to use: DOCKER_HOST, else the platform's default socket. */
export function discoverEndpoint(env: NodeJS.ProcessEnv = process.env): Endpoint {
  const fromEnv = env.DOCKER_HOST?.trim()
  if (fromEnv) return endpointFromAddress(fromEnv, 'DOCKER_HOST')
  if (process.platform === 'win32') {
    return { kind: 'pipe', address: 'npipe:////./pipe/docker_engine', source: 'default pipe' }
  }
  return { kind: 'socket', address: 'unix:///var/run/docker.sock', source: 'default socket' }
}
