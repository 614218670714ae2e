import Docker from 'dockerode'
import type { Endpoint } from '../../../shared/contract'

/** A dockerode client for an endpoint (socket, named pipe, tcp or ssh). */
export function createDockerClient(endpoint: Endpoint): Docker {
  const { kind, address } = endpoint
  if (kind === 'socket') return new Docker({ socketPath: address.replace(/^unix:\/\//, '') })
  if (kind === 'pipe') return new Docker({ socketPath: address.replace(/^npipe:\/\//, '') })
  const url = new URL(address)
  if (kind === 'ssh') {
    return new Docker({
      protocol: 'ssh',
      host: url.hostname,
      port: Number(url.port || 22),
      username: url.username,
    })
  }
  const tls = url.protocol === 'https:' || url.port === '2376'
  return new Docker({
    protocol: tls ? 'https' : 'http',
    host: url.hostname,
    port: Number(url.port || (tls ? 2376 : 2375)),
  })
}
