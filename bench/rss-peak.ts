// The peak of this process's RSS during a run, and what it is made of at that moment: the V8
// heaps of the main thread and of the log store's worker thread (as V8 counts them), glibc's
// malloc heaps and the mapped files, from /proc/self/smaps (Linux).
import { readFileSync } from 'node:fs'
import { getHeapSpaceStatistics } from 'node:v8'
import type { WorkerHeap } from '../electron/main/logs/store-protocol'

export interface RssParts {
  /** Mapped files: the node binary, its libraries, native addons. */
  files: number
  anonymous: number
  /** glibc's main heap ([heap]) and its per-thread arenas (64 MB reservations each). */
  brk: number
  arenas: number
}

const ARENA = 64 * 1024 * 1024

interface Mapping {
  start: number
  end: number
  perms: string
  name: string
  rss: number
}

function mappings(text: string): Mapping[] {
  const maps: Mapping[] = []
  for (const line of text.split('\n')) {
    const head = /^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$/.exec(line)
    if (head) {
      const [, start = '0', end = '0', perms = '', name = ''] = head
      maps.push({ start: parseInt(start, 16), end: parseInt(end, 16), perms, name, rss: 0 })
      continue
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line)
    const last = maps.at(-1)
    if (rss && last) last.rss = Number(rss[1]) * 1024
  }
  return maps
}

export function rssParts(): RssParts | undefined {
  let text: string
  try {
    text = readFileSync('/proc/self/smaps', 'utf8')
  } catch {
    return undefined
  }
  const maps = mappings(text)
  const next = new Map(maps.map((m) => [m.start, m]))
  const parts: RssParts = { files: 0, anonymous: 0, brk: 0, arenas: 0 }
  for (const m of maps) {
    if (m.name.startsWith('/')) {
      parts.files += m.rss
      continue
    }
    parts.anonymous += m.rss
    if (m.name === '[heap]') parts.brk += m.rss
    // An arena: a 64 MB-aligned reservation, its used part followed by the rest, inaccessible.
    const rest = next.get(m.end)
    const size = m.end - m.start + (rest?.perms === '---p' ? rest.end - rest.start : 0)
    if (m.name === '' && m.start % ARENA === 0 && size === ARENA) parts.arenas += m.rss
  }
  return parts
}

export interface RssPeak {
  before: number
  rss: number
  /** The main thread's V8 heap, its young generation and its array buffers, at the peak. */
  mainHeap: number
  mainYoung: number
  buffers: number
  /** The worker's heap at its last answer before the peak, and its largest in the run. */
  workerHeap: number
  workerMax: number
  parts: RssParts | undefined
}

/** Samples RSS every 50 ms and the worker's heap every 100 ms until stopped. */
export class RssPeakSampler {
  private readonly peak: RssPeak
  private partsAt = 0
  private worker = 0
  private readonly timer: NodeJS.Timeout
  private readonly polling: Promise<void>
  private stopped = false

  constructor(workerHeap: () => Promise<WorkerHeap>) {
    const rss = process.memoryUsage.rss()
    this.peak = {
      before: rss,
      rss,
      mainHeap: 0,
      mainYoung: 0,
      buffers: 0,
      workerHeap: 0,
      workerMax: 0,
      parts: undefined,
    }
    this.timer = setInterval(() => this.sample(), 50)
    this.polling = this.poll(workerHeap)
  }

  private sample(): void {
    const usage = process.memoryUsage()
    if (usage.rss <= this.peak.rss) return
    Object.assign(this.peak, {
      rss: usage.rss,
      mainHeap: usage.heapTotal,
      mainYoung: getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size,
      buffers: usage.arrayBuffers,
      workerHeap: this.worker,
    })
    // Reading smaps takes a few ms: again only once the peak grew by 2 MB.
    if (usage.rss - this.partsAt < 2 * 1024 * 1024) return
    this.partsAt = usage.rss
    this.peak.parts = rssParts()
  }

  private async poll(workerHeap: () => Promise<WorkerHeap>): Promise<void> {
    while (!this.stopped) {
      this.worker = (await workerHeap()).total
      this.peak.workerMax = Math.max(this.peak.workerMax, this.worker)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  async stop(): Promise<RssPeak> {
    this.stopped = true
    clearInterval(this.timer)
    await this.polling
    return this.peak
  }
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`

/** What the peak is made of, in words. */
export function describeRssPeak(peak: RssPeak): string {
  const v8 = `the main thread's V8 heap ${mb(peak.mainHeap)} (${mb(peak.mainYoung)} of it its young generation) and array buffers ${mb(peak.buffers)}; the store worker's V8 heap ${mb(peak.workerHeap)} (at most ${mb(peak.workerMax)} in the burst; V8's committed sizes)`
  const { parts } = peak
  if (parts === undefined) return `at the peak (${mb(peak.rss)}): ${v8}`
  const malloc = parts.brk + parts.arenas
  const rest = Math.max(0, parts.anonymous - peak.mainHeap - peak.workerHeap - malloc)
  return `at the peak (${mb(peak.rss)}, /proc/self/smaps): ${v8}; malloc ${mb(malloc)} (glibc's main heap ${mb(parts.brk)} and thread arenas ${mb(parts.arenas)}: SQLite's page caches, up to 32 MB a connection, and native buffers); mapped files ${mb(parts.files)} (node, its libraries, the SQLite addon); ${mb(rest)} other anonymous memory (thread stacks, V8's code and bookkeeping)`
}
