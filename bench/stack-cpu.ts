// CPU time the mail stack spends, per container (cgroup counters through the engine) and for the
// engine's own processes on this host (dockerd carries every line a container prints), to say
// what bounds a phase of the mail-stack benchmark and how much CPU each email costs where.
import { readdirSync, readFileSync } from 'node:fs'
import type { MailStack } from '../resources/stack/test/mail-stack'

/** The engine's processes on this host, read from /proc (Linux); absent elsewhere. */
const ENGINE_PROCESSES = ['dockerd', 'containerd', 'containerd-shim', 'containerd-shim-runc-v2']
const CLOCK_TICKS_PER_SECOND = 100

function engineCpuSeconds(): number | undefined {
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  let ticks = 0
  let found = false
  for (const pid of entries) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      if (!ENGINE_PROCESSES.includes(comm)) continue
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
      ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0)
      found = true
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found ? ticks / CLOCK_TICKS_PER_SECOND : undefined
}

/** CPU seconds one container of the stack used so far. */
export async function containerCpuSeconds(stack: MailStack, role: string): Promise<number> {
  const container = stack.containers.get(role as never)
  if (container === undefined) return 0
  const stats = await container.stats({ stream: false })
  return stats.cpu_stats.cpu_usage.total_usage / 1e9
}

/** CPU seconds each container (and the engine, as `docker engine`) used so far. */
export async function stackCpuSeconds(stack: MailStack): Promise<Map<string, number>> {
  const used = new Map<string, number>()
  for (const role of stack.containers.keys()) used.set(role, await containerCpuSeconds(stack, role))
  const engine = engineCpuSeconds()
  if (engine !== undefined) used.set('docker engine', engine)
  return used
}

export interface CpuUse {
  role: string
  /** Cores used on average over the phase. */
  cores: number
  /** Milliseconds of CPU per email of the phase. */
  msPerEmail: number
}

export function cpuUse(
  before: Map<string, number>,
  after: Map<string, number>,
  seconds: number,
  emails: number,
): CpuUse[] {
  return [...after]
    .map(([role, value]) => {
      const used = value - (before.get(role) ?? 0)
      return { role, cores: used / seconds, msPerEmail: (used * 1000) / emails }
    })
    .sort((a, b) => b.cores - a.cores)
}

export function cpuText(use: readonly CpuUse[]): string {
  const total = use.reduce((sum, item) => sum + item.msPerEmail, 0)
  const cores = use.reduce((sum, item) => sum + item.cores, 0)
  const parts = use.map(
    ({ role, cores, msPerEmail }) =>
      `${role} ${cores.toFixed(2)} cores (${msPerEmail.toFixed(2)} ms/email)`,
  )
  return `${parts.join(', ')}; in all ${cores.toFixed(2)} cores, ${total.toFixed(2)} ms of CPU per email`
}
