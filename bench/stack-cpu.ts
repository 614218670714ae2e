// CPU time the mail stack spends, per container (its cgroup's counters) and for the
// engine's own processes on this host (dockerd carries every line a container prints, docker-proxy
// every byte to a published port), to say what bounds a phase of the mail-stack benchmark and how
// much CPU each email costs where. Not counted: the runc processes of `docker exec` (the health
// checks), which end before they can be read.
import { readdirSync, readFileSync } from 'node:fs'
import type Docker from 'dockerode'
import type { MailStack } from '../resources/stack/test/mail-stack'

/** The engine's processes on this host, read from /proc (Linux); absent elsewhere. */
const ENGINE_PROCESSES = [
  'dockerd',
  'containerd',
  'containerd-shim',
  'containerd-shim-runc-v2',
  'docker-proxy',
]
const CLOCK_TICKS_PER_SECOND = 100

/** A process's user and system CPU seconds so far, from /proc (Linux); throws once it ended. */
export function processCpuSeconds(pid: number | string): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11] ?? 0) + Number(fields[12] ?? 0)) / CLOCK_TICKS_PER_SECOND
}

function engineCpuSeconds(): number | undefined {
  let entries: string[]
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name))
  } catch {
    return undefined
  }
  let seconds = 0
  let found = false
  for (const pid of entries) {
    try {
      const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
      if (!ENGINE_PROCESSES.includes(comm)) continue
      seconds += processCpuSeconds(pid)
      found = true
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return found ? seconds : undefined
}

/** The cgroup CPU counters of a container on this host (cgroup v1 or v2, either driver). */
function cgroupCpuSeconds(id: string): number | undefined {
  for (const dir of [`docker/${id}`, `system.slice/docker-${id}.scope`]) {
    try {
      return Number(readFileSync(`/sys/fs/cgroup/cpuacct/${dir}/cpuacct.usage`, 'utf8')) / 1e9
    } catch {
      // Not cgroup v1 with this driver.
    }
    try {
      const usage = /^usage_usec (\d+)$/m.exec(
        readFileSync(`/sys/fs/cgroup/${dir}/cpu.stat`, 'utf8'),
      )
      if (usage !== null) return Number(usage[1]) / 1e6
    } catch {
      // Not cgroup v2 with this driver.
    }
  }
  return undefined
}

const fullIds = new WeakMap<Docker.Container, string>()

async function fullId(container: Docker.Container): Promise<string> {
  let id = fullIds.get(container)
  if (id === undefined) {
    id = (await container.inspect()).Id
    fullIds.set(container, id)
  }
  return id
}

/**
 * A reader of one container's CPU seconds: the cgroup's counter when this host runs the engine
 * (read at once), else the engine's stats (about a second per call).
 */
async function cpuReader(container: Docker.Container): Promise<() => Promise<number>> {
  const id = await fullId(container)
  if (cgroupCpuSeconds(id) !== undefined) return () => Promise.resolve(cgroupCpuSeconds(id) ?? 0)
  return async () =>
    (await container.stats({ stream: false })).cpu_stats.cpu_usage.total_usage / 1e9
}

/** CPU seconds one container of the stack used so far. */
export async function containerCpuSeconds(stack: MailStack, role: string): Promise<number> {
  const container = stack.containers.get(role as never)
  if (container === undefined) return 0
  return (await cpuReader(container))()
}

/**
 * CPU seconds each container (and the engine, as `docker engine`) used so far, all read at the
 * same moment: read one after the other through the engine's stats (a second each), the last
 * ones also counted the seconds after the phase (its health checks, these very calls).
 */
export async function stackCpuSeconds(stack: MailStack): Promise<Map<string, number>> {
  const roles = [...stack.containers.keys()]
  const readers = await Promise.all(roles.map((role) => cpuReader(stack.container(role))))
  const values = await Promise.all(readers.map((read) => read()))
  const used = new Map(roles.map((role, index) => [role as string, values[index] ?? 0]))
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

interface MachineTicks {
  busy: number
  steal: number
  total: number
}

/** The machine's CPU time so far from /proc/stat (Linux; undefined elsewhere), in ticks. */
export function machineTicks(): MachineTicks | undefined {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.split(/\s+/).slice(1, 9)
    const [user, nice, system, idle, iowait, irq, softirq, steal] = (fields ?? []).map(Number)
    if (steal === undefined || Number.isNaN(steal)) return undefined
    const busy = (user ?? 0) + (nice ?? 0) + (system ?? 0) + (irq ?? 0) + (softirq ?? 0)
    return { busy, steal, total: busy + steal + (idle ?? 0) + (iowait ?? 0) }
  } catch {
    return undefined
  }
}

/** "84% of its cores busy, 9% taken by the host (steal)" between two readings. */
export function machineText(before: MachineTicks | undefined, after: MachineTicks | undefined) {
  if (before === undefined || after === undefined || after.total <= before.total) return ''
  const share = (key: keyof MachineTicks) =>
    Math.round((100 * (after[key] - before[key])) / (after.total - before.total))
  return `${share('busy')}% of its cores busy, ${share('steal')}% taken by the host (steal)`
}
