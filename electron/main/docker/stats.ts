import type { Readable } from 'node:stream'
import type Docker from 'dockerode'
import type { ContainerStats } from '../../../shared/contract'
import { brokenStream, engineCall, isAbort, isConnectionFailure, toMaildockError } from './errors'
import { JsonLines } from '../lib/json-lines'
import { asReadable, settle } from '../lib/streams'

/** The parts of the engine's stats sample we read (cgroup v1 and v2 name things differently). */
export interface RawStats {
  read?: string
  cpu_stats?: {
    cpu_usage?: { total_usage?: number; percpu_usage?: number[] }
    system_cpu_usage?: number
    online_cpus?: number
  }
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number }
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> }
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>
  blkio_stats?: {
    io_service_bytes_recursive?: Array<{ op?: string; value?: number }> | null
  }
  pids_stats?: { current?: number }
}

/** CPU % the way `docker stats` computes it, memory without the page cache. */
export function toContainerStats(id: string, raw: RawStats, now = Date.now()): ContainerStats {
  const cpu = raw.cpu_stats
  const pre = raw.precpu_stats
  const cpus = cpu?.online_cpus || cpu?.cpu_usage?.percpu_usage?.length || 1
  const cpuDelta = (cpu?.cpu_usage?.total_usage ?? 0) - (pre?.cpu_usage?.total_usage ?? 0)
  const systemDelta = (cpu?.system_cpu_usage ?? 0) - (pre?.system_cpu_usage ?? 0)
  const cpuPercent = cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * cpus * 100 : 0

  const memory = raw.memory_stats
  const cache = memory?.stats?.inactive_file ?? memory?.stats?.total_inactive_file ?? 0
  const memoryBytes = Math.max(0, (memory?.usage ?? 0) - cache)
  const memoryLimitBytes = memory?.limit ?? 0

  let networkRxBytes = 0
  let networkTxBytes = 0
  for (const net of Object.values(raw.networks ?? {})) {
    networkRxBytes += net.rx_bytes ?? 0
    networkTxBytes += net.tx_bytes ?? 0
  }
  let blockReadBytes = 0
  let blockWriteBytes = 0
  for (const entry of raw.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = entry.op?.toLowerCase()
    if (op === 'read') blockReadBytes += entry.value ?? 0
    if (op === 'write') blockWriteBytes += entry.value ?? 0
  }
  const read = raw.read ? Date.parse(raw.read) : NaN
  return {
    id,
    at: Number.isFinite(read) && read > 0 ? read : now,
    cpuPercent: Math.round(cpuPercent * 100) / 100,
    cpus,
    memoryBytes,
    memoryLimitBytes,
    memoryPercent:
      memoryLimitBytes > 0 ? Math.round((memoryBytes / memoryLimitBytes) * 10_000) / 100 : 0,
    networkRxBytes,
    networkTxBytes,
    blockReadBytes,
    blockWriteBytes,
    pids: raw.pids_stats?.current ?? 0,
  }
}

/** Streams one sample a second until the signal aborts or the container goes away. */
export async function streamContainerStats(
  docker: Docker,
  id: string,
  sink: { emit(stats: ContainerStats): void; signal: AbortSignal },
): Promise<void> {
  const container = docker.getContainer(id)
  const info = await engineCall(() => container.inspect())
  let source: Readable
  try {
    const options = { stream: true as const, abortSignal: sink.signal }
    source = asReadable(await container.stats(options))
  } catch (error) {
    if (isAbort(error) || sink.signal.aborted) return
    throw toMaildockError(error)
  }
  const lines = new JsonLines<RawStats>((raw) => sink.emit(toContainerStats(info.Id, raw)))
  source.on('data', (chunk: Buffer) => lines.push(chunk))
  const outcome = await settle(source, sink.signal)
  if (outcome instanceof Error) {
    throw isConnectionFailure(outcome) ? brokenStream('The stats stream') : toMaildockError(outcome)
  }
}
