import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { posix, win32 } from 'node:path'
import { MaildockError, type Endpoint, type EndpointCandidate } from '../../../shared/contract'

/** Everything discovery looks at, injected so tests can hand it a fake home. */
export interface DiscoveryHost {
  env: Record<string, string | undefined>
  home: string
  platform: NodeJS.Platform
  exists(path: string): boolean
  /** The file's text, or undefined when it cannot be read. */
  readFile(path: string): string | undefined
}

export function nodeDiscoveryHost(env: NodeJS.ProcessEnv = process.env): DiscoveryHost {
  return {
    env,
    home: homedir(),
    platform: process.platform,
    exists: (path) => existsSync(path),
    readFile: (path) => {
      try {
        return readFileSync(path, 'utf8')
      } catch {
        return undefined
      }
    },
  }
}

const ADDRESS = /^(unix|npipe|tcp|ssh|http|https):\/\//

/** Turns a DOCKER_HOST-style address (or a bare socket path) into an endpoint description. */
export function endpointFromAddress(address: string, source: string): Endpoint {
  const trimmed = address.trim()
  if (trimmed.startsWith('unix://')) return { kind: 'socket', address: trimmed, source }
  if (trimmed.startsWith('npipe://')) return { kind: 'pipe', address: trimmed, source }
  if (trimmed.startsWith('ssh://')) return { kind: 'ssh', address: trimmed, source }
  if (/^(tcp|https?):\/\//.test(trimmed)) return { kind: 'tcp', address: trimmed, source }
  if (/^(\/\/|\\\\)\.[/\\]pipe[/\\]/.test(trimmed)) {
    return { kind: 'pipe', address: `npipe://${trimmed.replace(/\\/g, '/')}`, source }
  }
  return { kind: 'socket', address: `unix://${trimmed}`, source }
}

/** Checks what a user typed: a scheme we speak, or an absolute socket path. */
export function parseUserAddress(address: string): Endpoint {
  const trimmed = address.trim()
  const isPath = trimmed.startsWith('/') || /^(\/\/|\\\\)\.[/\\]pipe[/\\]/.test(trimmed)
  if (!ADDRESS.test(trimmed) && !isPath) {
    throw new MaildockError(
      'INVALID_INPUT',
      `"${address}" is not an engine address: use unix:///path/to/docker.sock, tcp://host:2375, ssh://user@host or npipe:////./pipe/docker_engine.`,
    )
  }
  return endpointFromAddress(trimmed, 'your setting')
}

/** The file-system path behind a socket or pipe endpoint (what `exists` checks). */
export function endpointPath(endpoint: Endpoint): string | undefined {
  if (endpoint.kind === 'socket') return endpoint.address.replace(/^unix:\/\//, '')
  if (endpoint.kind === 'pipe') {
    return endpoint.address.replace(/^npipe:\/\//, '').replace(/\//g, '\\')
  }
  return undefined
}

const joinFor =
  (host: DiscoveryHost) =>
  (...parts: string[]): string =>
    host.platform === 'win32' ? win32.join(...parts) : posix.join(...parts)

function currentContext(host: DiscoveryHost, configDir: string): Endpoint | undefined {
  const pathOf = joinFor(host)
  let name = host.env.DOCKER_CONTEXT?.trim()
  if (!name) {
    const config = host.readFile(pathOf(configDir, 'config.json'))
    if (!config) return undefined
    try {
      const parsed = JSON.parse(config) as { currentContext?: unknown }
      if (typeof parsed.currentContext === 'string') name = parsed.currentContext.trim()
    } catch {
      return undefined
    }
  }
  if (!name || name === 'default') return undefined
  const digest = createHash('sha256').update(name).digest('hex')
  const meta = host.readFile(pathOf(configDir, 'contexts', 'meta', digest, 'meta.json'))
  if (!meta) return undefined
  try {
    const parsed = JSON.parse(meta) as { Endpoints?: { docker?: { Host?: unknown } } }
    const address = parsed.Endpoints?.docker?.Host
    if (typeof address !== 'string' || !address) return undefined
    return endpointFromAddress(address, `docker context ${name}`)
  } catch {
    return undefined
  }
}

function knownEndpoints(host: DiscoveryHost): Endpoint[] {
  if (host.platform === 'win32') {
    return [
      ['docker_engine', 'Docker Desktop'],
      ['dockerDesktopLinuxEngine', 'Docker Desktop (Linux engine)'],
      ['podman-machine-default', 'Podman machine'],
    ].map(([pipe, label]) => ({
      kind: 'pipe',
      address: `npipe:////./pipe/${pipe}`,
      source: label ?? '',
    }))
  }
  const home = (...parts: string[]) => posix.join(host.home, ...parts)
  const runtime = host.env.XDG_RUNTIME_DIR?.trim()
  const sockets: Array<[string | undefined, string]> = [
    ['/var/run/docker.sock', 'system socket'],
    [home('.docker', 'run', 'docker.sock'), 'Docker Desktop'],
    [home('.docker', 'desktop', 'docker.sock'), 'Docker Desktop (Linux)'],
    [home('.colima', 'default', 'docker.sock'), 'Colima'],
    [home('.orbstack', 'run', 'docker.sock'), 'OrbStack'],
    [home('.rd', 'docker.sock'), 'Rancher Desktop'],
    [runtime && posix.join(runtime, 'podman', 'podman.sock'), 'Podman'],
    [runtime && posix.join(runtime, 'docker.sock'), 'rootless Docker'],
    ['/run/podman/podman.sock', 'Podman (system)'],
  ]
  return sockets
    .filter((entry): entry is [string, string] => Boolean(entry[0]))
    .map(([path, source]) => ({ kind: 'socket', address: `unix://${path}`, source }))
}

function candidate(host: DiscoveryHost, endpoint: Endpoint): EndpointCandidate {
  const path = endpointPath(endpoint)
  return { endpoint, exists: path === undefined ? true : host.exists(path) }
}

/**
 * Every endpoint worth offering, in order of preference: DOCKER_HOST, the current docker context,
 * then the sockets Docker Desktop, Colima, OrbStack, Rancher Desktop and Podman create.
 */
export function listCandidates(host: DiscoveryHost): EndpointCandidate[] {
  const found: Endpoint[] = []
  const fromEnv = host.env.DOCKER_HOST?.trim()
  if (fromEnv) found.push(endpointFromAddress(fromEnv, 'DOCKER_HOST'))
  const configDir = host.env.DOCKER_CONFIG?.trim() || joinFor(host)(host.home, '.docker')
  const context = currentContext(host, configDir)
  if (context) found.push(context)
  for (const known of knownEndpoints(host)) {
    if (!found.some((e) => e.address === known.address)) found.push(known)
  }
  return found.map((endpoint) => candidate(host, endpoint))
}

/**
 * The endpoint to use: like the docker CLI, DOCKER_HOST and then an explicit context win as they
 * are; otherwise the first known socket that exists, else the platform's default.
 */
export function chooseEndpoint(candidates: EndpointCandidate[]): Endpoint {
  const explicit = candidates.find(
    (c) => c.endpoint.source === 'DOCKER_HOST' || c.endpoint.source.startsWith('docker context '),
  )
  if (explicit) return explicit.endpoint
  const first = candidates.find((c) => c.exists) ?? candidates[0]
  if (!first) throw new MaildockError('INTERNAL', 'No Docker endpoint candidates at all')
  return first.endpoint
}

export function discoverEndpoint(host: DiscoveryHost = nodeDiscoveryHost()): Endpoint {
  return chooseEndpoint(listCandidates(host))
}
