// What a page and the machine spend during a stretch of a browser benchmark: the renderer's main
// thread (CDP Performance metrics: script, layout, style), WebSocket messages received, React
// commits (through the devtools hook React calls in production builds too), an optional V8 CPU
// profile of the page, and CPU per process group on the machine from /proc.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import type { CDPSession, Page } from 'playwright-core'

/**
 * Installed before the app loads: React reports each commit to this hook, and each WebSocket (or
 * the worker holding it) counts its messages (CDP's Network domain would copy every frame, which
 * costs the page).
 */
export const PAGE_COUNTERS = `(() => {
  window.__commits = 0
  window.__socket = { frames: 0, chars: 0 }
  const Native = window.WebSocket
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args)
      this.addEventListener('message', (event) => {
        window.__socket.frames++
        window.__socket.chars += typeof event.data === 'string' ? event.data.length : 0
      })
    }
  }
  // The socket lives in a worker where the page has one: its frames reach the page as messages.
  const NativeWorker = window.Worker
  window.Worker = class extends NativeWorker {
    constructor(...args) {
      super(...args)
      this.addEventListener('message', (event) => {
        if (event.data?.kind !== 'frame') return
        window.__socket.frames++
        window.__socket.chars += event.data.text.length
      })
    }
  }
  window.__REACT_DEVTOOLS_GLOBAL_HOOK__ = {
    supportsFiber: true, renderers: new Map(), inject: () => 1, checkDCE() {},
    onScheduleFiberRoot() {}, onCommitFiberUnmount() {}, onPostCommitFiberRoot() {},
    onCommitFiberRoot() { window.__commits++ },
  }
})()`

const MAIN_THREAD = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration']

interface Snapshot {
  at: number
  metrics: Record<string, number>
  commits: number
  frames: number
  bytes: number
  cpu: CpuSnapshot
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface CpuProfile {
  nodes: ProfileNode[]
  samples?: number[]
  timeDeltas?: number[]
}

/** Counts WebSocket frames from here on; snapshots of everything else are taken on demand. */
export async function probePage(page: Page, cdp: CDPSession, serverPid: number) {
  await cdp.send('Performance.enable')
  const snapshot = async (): Promise<Snapshot> => {
    const { metrics } = await cdp.send('Performance.getMetrics')
    const counts = await page.evaluate<{ commits: number; frames: number; chars: number }>(
      '({ commits: window.__commits, ...window.__socket })',
    )
    return {
      at: performance.now(),
      metrics: Object.fromEntries(metrics.map((m) => [m.name, m.value])),
      commits: counts.commits,
      frames: counts.frames,
      bytes: counts.chars,
      cpu: cpuSnapshot(serverPid),
    }
  }
  return { snapshot }
}

/** The renderer's main thread, the socket and React between two snapshots, as text. */
export function describePage(from: Snapshot, to: Snapshot): string[] {
  const seconds = (to.at - from.at) / 1000
  const spent = (name: string) => (to.metrics[name] ?? 0) - (from.metrics[name] ?? 0)
  const pct = (name: string) => `${((100 * spent(name)) / seconds).toFixed(0)}%`
  const [task, script, layout, style] = MAIN_THREAD.map(pct)
  const thread = rendererMainThread(from, to)
  const share = (x: number) => `${(100 * x).toFixed(0)}%`
  return [
    `renderer main thread in tasks ${task} of ${seconds.toFixed(1)} s (script ${script}, layout ${layout}, style ${style}); on a CPU ${share(thread.run)}, runnable but waiting for a CPU ${share(thread.wait)}`,
    `socket: ${((to.frames - from.frames) / seconds).toFixed(0)} messages/s, ${((to.bytes - from.bytes) / seconds / 1e6).toFixed(1)} M chars/s; React commits: ${((to.commits - from.commits) / seconds).toFixed(0)}/s`,
  ]
}

// --- CPU per process group (/proc; Linux only) ---

interface CpuSnapshot {
  /** Jiffies the whole machine spent busy and in all. */
  busy: number
  total: number
  /** Jiffies per process, by group; a process that ended before the second snapshot is left out. */
  pids: Map<number, { group: string; jiffies: number }>
  /** The renderers' main threads (tid = pid): ns on a CPU and ns runnable but waiting for one. */
  rendererMain: { run: number; wait: number }
}

const GROUPS = [
  'renderer',
  'chromium (other)',
  'server',
  'dockerd',
  'containerd',
  'producer',
  'bench',
]

function groupOf(pid: number, comm: string, cmdline: string, serverPid: number): string | null {
  if (pid === serverPid) return 'server'
  if (pid === process.pid) return 'bench'
  if (cmdline.includes('chromium') || comm.startsWith('chrom'))
    return cmdline.includes('--type=renderer') ? 'renderer' : 'chromium (other)'
  if (comm === 'dockerd') return 'dockerd'
  if (comm.startsWith('containerd')) return 'containerd'
  if (comm === 'perl') return 'producer'
  return null
}

function cpuSnapshot(serverPid: number): CpuSnapshot {
  const cpuLine = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1)
  const fields = cpuLine.map(Number)
  const total = fields.reduce((a, b) => a + b, 0)
  const idle = (fields[3] ?? 0) + (fields[4] ?? 0)
  const pids = new Map<number, { group: string; jiffies: number }>()
  const rendererMain = { run: 0, wait: 0 }
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry)
    if (!Number.isInteger(pid)) continue
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
      const group = groupOf(pid, comm, cmdline, serverPid)
      if (!group) continue
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      pids.set(pid, { group, jiffies: Number(rest[11]) + Number(rest[12]) })
      if (group === 'renderer') {
        const [run, wait] = readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')
        rendererMain.run += Number(run)
        rendererMain.wait += Number(wait)
      }
    } catch {
      // The process ended meanwhile.
    }
  }
  return { busy: total - idle, total, pids, rendererMain }
}

/** Machine CPU between two snapshots, in cores (of the machine's), per process group. */
export function describeCpu(from: Snapshot, to: Snapshot, cores: number): string {
  const seconds = (to.at - from.at) / 1000
  const hz = 100
  const cpu = (j: number) => (j / hz / seconds).toFixed(2)
  const machine = (to.cpu.busy - from.cpu.busy) / (to.cpu.total - from.cpu.total)
  const spent = new Map<string, number>()
  for (const [pid, { group, jiffies }] of to.cpu.pids) {
    const before = from.cpu.pids.get(pid)?.jiffies ?? 0
    spent.set(group, (spent.get(group) ?? 0) + jiffies - before)
  }
  const parts = GROUPS.map((g) => `${g} ${cpu(spent.get(g) ?? 0)}`)
  return `CPU (cores of ${cores}): machine ${(machine * cores).toFixed(2)} busy; ${parts.join(', ')}`
}

/** The renderer's main thread between two snapshots: share of the time on a CPU, and waiting. */
export function rendererMainThread(from: Snapshot, to: Snapshot): { run: number; wait: number } {
  const ns = (to.at - from.at) * 1e6
  return {
    run: (to.cpu.rendererMain.run - from.cpu.rendererMain.run) / ns,
    wait: (to.cpu.rendererMain.wait - from.cpu.rendererMain.wait) / ns,
  }
}

// --- V8 CPU profile of the page ---

/** Self and total time per function of a CPU profile, the largest first. */
function summariseProfile(profile: CpuProfile, top = 12): string[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id)
  const label = (n: ProfileNode): string => {
    const file = n.callFrame.url.split('/').pop() ?? ''
    return `${n.callFrame.functionName || '(anonymous)'}${file ? ` ${file}:${n.callFrame.lineNumber + 1}` : ''}`
  }
  const self = new Map<string, number>()
  const total = new Map<string, number>()
  let all = 0
  const samples = profile.samples ?? []
  samples.forEach((id, i) => {
    const ms = (profile.timeDeltas?.[i] ?? 0) / 1000
    all += ms
    const node = byId.get(id)
    if (!node) return
    self.set(label(node), (self.get(label(node)) ?? 0) + ms)
    const seen = new Set<string>()
    for (let n: ProfileNode | undefined = node; n; n = byId.get(parent.get(n.id) ?? -1)) {
      const name = label(n)
      if (seen.has(name)) continue
      seen.add(name)
      total.set(name, (total.get(name) ?? 0) + ms)
    }
  })
  const list = (map: Map<string, number>) =>
    [...map]
      .filter(([name]) => name !== '(root)')
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `  ${((100 * ms) / all).toFixed(1).padStart(5)}%  ${name}`)
  return [
    `CPU profile of the page, ${(all / 1000).toFixed(1)} s sampled; self time:`,
    ...list(self),
    'total time (function and what it calls):',
    ...list(total),
  ]
}

export async function startProfile(cdp: CDPSession): Promise<void> {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
  await cdp.send('Profiler.start')
}

export async function stopProfile(cdp: CDPSession, file: string | undefined): Promise<string[]> {
  const { profile } = await cdp.send('Profiler.stop')
  if (file) writeFileSync(file, JSON.stringify(profile))
  return summariseProfile(profile)
}

// --- Chromium trace of the page: where the renderer's main thread spends its time ---

interface TraceEvent {
  name: string
  ph: string
  pid: number
  tid: number
  dur?: number
  args?: { name?: string }
}

/** Starts a trace; `file`, when given, gets its raw events (Chrome's trace JSON) when it stops. */
export async function startTrace(cdp: CDPSession, file?: string): Promise<() => Promise<string[]>> {
  const events: TraceEvent[] = []
  cdp.on('Tracing.dataCollected', ({ value }) => events.push(...(value as unknown as TraceEvent[])))
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,v8,blink',
    transferMode: 'ReportEvents',
  })
  return async () => {
    const done = new Promise<void>((resolve) =>
      cdp.once('Tracing.tracingComplete', () => resolve()),
    )
    await cdp.send('Tracing.end')
    await done
    if (file) writeFileSync(file, JSON.stringify({ traceEvents: events }))
    return summariseTrace(events)
  }
}

/** Time per event name on the renderers' main threads (nested events counted in each). */
function summariseTrace(events: TraceEvent[], top = 20): string[] {
  const main = new Set(
    events
      .filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
      .map((e) => `${e.pid}:${e.tid}`),
  )
  const byName = new Map<string, number>()
  for (const e of events) {
    if (e.ph !== 'X' || !main.has(`${e.pid}:${e.tid}`)) continue
    byName.set(e.name, (byName.get(e.name) ?? 0) + (e.dur ?? 0) / 1000)
  }
  return [
    'trace of the renderer main thread, ms per event (nested ones counted in each):',
    ...[...byName]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `  ${ms.toFixed(0).padStart(7)}  ${name}`),
  ]
}
