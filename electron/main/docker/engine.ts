import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { Endpoint, EngineInfo, EngineStatus } from '../../../shared/contract'
import { createDockerClient } from './client'
import { JsonLines } from '../lib/json-lines'

const PROBE_TIMEOUT_MS = 5_000
const RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000]
const REFRESH_DEBOUNCE_MS = 200

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}

export function describeEngineError(error: unknown, endpoint: Endpoint): string {
  const err = error as NodeJS.ErrnoException
  if (err.code === 'ENOENT') return `No Docker engine socket at ${endpoint.address}`
  if (err.code === 'ECONNREFUSED')
    return `Connection refused at ${endpoint.address}: is the Docker engine running?`
  if (err.code === 'EACCES')
    return `Permission denied on ${endpoint.address}: is your user in the docker group?`
  return err.message || String(error)
}

async function readInfo(docker: Docker): Promise<EngineInfo> {
  const [info, version, volumes, networks] = await Promise.all([
    docker.info() as Promise<Record<string, unknown>>,
    docker.version(),
    docker.listVolumes(),
    docker.listNetworks(),
  ])
  const num = (key: string): number => Number(info[key] ?? 0)
  const str = (key: string): string => {
    const value = info[key]
    return typeof value === 'string' ? value : ''
  }
  return {
    version: version.Version,
    apiVersion: version.ApiVersion,
    os: str('OperatingSystem'),
    osType: str('OSType'),
    arch: str('Architecture'),
    kernel: str('KernelVersion'),
    cpus: num('NCPU'),
    memoryBytes: num('MemTotal'),
    name: str('Name'),
    containers: {
      running: num('ContainersRunning'),
      paused: num('ContainersPaused'),
      stopped: num('ContainersStopped'),
      total: num('Containers'),
    },
    images: num('Images'),
    volumes: volumes.Volumes?.length ?? 0,
    networks: networks.length,
  }
}

type Listener = (status: EngineStatus) => void

/** One message of the engine's /events stream, as the engine sends it. */
export interface RawEngineEvent {
  Type?: string
  Action?: string
  Actor?: { ID?: string; Attributes?: Record<string, string> }
  time?: number
  timeNano?: number
}
type EventListener = (event: RawEngineEvent) => void

/**
 * Holds the connection to one engine: probes it, follows its event stream to keep the counts
 * live, and reconnects with backoff when the engine goes away.
 */
export class EngineMonitor {
  private docker: Docker
  private current: EngineStatus
  private readonly listeners = new Set<Listener>()
  private readonly eventListeners = new Set<EventListener>()
  private opening = false
  private events: NodeJS.ReadableStream | undefined
  private retryTimer: NodeJS.Timeout | undefined
  private refreshTimer: NodeJS.Timeout | undefined
  private attempt = 0
  private closed = false

  constructor(private endpoint: Endpoint) {
    this.docker = createDockerClient(endpoint)
    this.current = { state: 'connecting', endpoint }
  }

  get client(): Docker {
    return this.docker
  }

  get status(): EngineStatus {
    return this.current
  }

  onChange(listener: Listener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Every engine event while connected (one stream, shared by all subscribers). */
  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  /** Probes now; on success (re)opens the event stream, on failure schedules a retry. */
  async probe(): Promise<EngineStatus> {
    clearTimeout(this.retryTimer)
    try {
      const info = await withTimeout(readInfo(this.docker), PROBE_TIMEOUT_MS, 'The Docker engine')
      this.attempt = 0
      this.publish({ state: 'connected', endpoint: this.endpoint, info, checkedAt: Date.now() })
      if (!this.events && !this.opening) await this.followEvents()
    } catch (error) {
      this.markUnreachable(error)
    }
    return this.current
  }

  /** Retry now, starting the backoff again. */
  retry(): Promise<EngineStatus> {
    this.attempt = 0
    return this.probe()
  }

  /** Switch to another endpoint (a setting changed). */
  async setEndpoint(endpoint: Endpoint): Promise<EngineStatus> {
    this.dropEvents()
    this.endpoint = endpoint
    this.docker = createDockerClient(endpoint)
    this.publish({ state: 'connecting', endpoint })
    return this.retry()
  }

  close(): void {
    this.closed = true
    clearTimeout(this.retryTimer)
    clearTimeout(this.refreshTimer)
    this.dropEvents()
    this.listeners.clear()
    this.eventListeners.clear()
  }

  private async followEvents(): Promise<void> {
    this.opening = true
    const stream = await this.docker.getEvents().finally(() => {
      this.opening = false
    })
    // Closed while the engine was answering: nothing would ever end this stream.
    if (this.closed) return void (stream as Readable).destroy()
    this.events = stream
    const lines = new JsonLines<RawEngineEvent>((event) => {
      for (const listener of this.eventListeners) listener(event)
    })
    stream.on('data', (chunk: Buffer) => {
      lines.push(chunk)
      this.scheduleRefresh()
    })
    const lost = (error?: unknown): void => {
      if (this.events !== stream) return
      this.events = undefined
      if (!this.closed)
        this.markUnreachable(error ?? new Error('The engine closed its event stream'))
    }
    stream.on('error', lost)
    stream.on('end', () => lost())
    stream.on('close', () => lost())
  }

  private dropEvents(): void {
    const stream = this.events as Readable | undefined
    this.events = undefined
    stream?.destroy()
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer) return
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined
      void this.probe()
    }, REFRESH_DEBOUNCE_MS)
  }

  private markUnreachable(error: unknown): void {
    this.dropEvents()
    if (this.closed) return
    const delay = RETRY_DELAYS_MS[Math.min(this.attempt, RETRY_DELAYS_MS.length - 1)] ?? 10_000
    this.attempt += 1
    this.retryTimer = setTimeout(() => void this.probe(), delay)
    this.publish({
      state: 'unreachable',
      endpoint: this.endpoint,
      error: describeEngineError(error, this.endpoint),
      checkedAt: Date.now(),
      nextRetryAt: Date.now() + delay,
    })
  }

  private publish(status: EngineStatus): void {
    this.current = status
    for (const listener of this.listeners) listener(status)
  }
}
