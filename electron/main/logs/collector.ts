import type Docker from 'dockerode'
import type { LogBatch, TailLine } from '../../../shared/contract'
import { STACK_LABEL, STACK_SERVICE_LABEL } from '../docker/container-views'
import type { RawEngineEvent } from '../docker/engine'
import { DEFAULT_LOG_TUNING, streamContainerLogs, type LogStreamTuning } from '../docker/log-stream'
import { keyHex, type ContainerLine, type ContainerRef, type LogRow } from './rows'
import type { CollectorStatus, LogStore } from './store'

export interface CollectorDeps {
  docker: () => Docker
  /** Engine events (container start), to follow new stack containers at once. */
  onEngineEvent: (listener: (event: RawEngineEvent) => void) => () => void
  /** Called with true each time the engine (re)connects. */
  onEngineConnected: (listener: () => void) => () => void
  store: LogStore
  /** The app's own stack (`maildock.stack=NAME`); without it, every MailDock stack is followed. */
  stackName?: () => Promise<string>
  tuning?: LogStreamTuning
  log?: (message: string, error?: unknown) => void
}

export type LineListener = (container: ContainerRef, lines: TailLine[]) => void

export function tailLine(container: ContainerRef, line: ContainerLine, row: LogRow): TailLine {
  return {
    key: keyHex(row.dedup),
    ts: row.ts,
    service: container.service,
    container: container.name,
    stream: line.stream,
    level: row.level,
    text: line.text,
  }
}

export const containerName = (names: readonly string[] | undefined, id: string): string =>
  names?.[0]?.replace(/^\//, '') ?? id.slice(0, 12)

/**
 * Follows every running container of the stack (label `maildock.stack`) on the shared log-stream
 * primitive, writes each line to the store and hands it to live listeners (the Tail). It resumes
 * from the newest stored line of each container, so a restart neither loses nor doubles lines.
 */
export class StackLogCollector {
  private readonly followed = new Map<string, { ref: ContainerRef; stop: AbortController }>()
  private readonly listeners = new Set<LineListener>()
  private unsubscribers: Array<() => void> = []
  private lines = 0
  private lastError: string | null = null
  private running = false

  constructor(private readonly deps: CollectorDeps) {}

  start(): void {
    if (this.running) return
    this.running = true
    this.deps.store.collectorStatus = () => this.status()
    this.unsubscribers = [
      this.deps.onEngineEvent((event) => this.onEngineEvent(event)),
      this.deps.onEngineConnected(() => void this.scan()),
    ]
    void this.scan()
  }

  stop(): void {
    this.running = false
    for (const unsubscribe of this.unsubscribers) unsubscribe()
    this.unsubscribers = []
    for (const { stop } of this.followed.values()) stop.abort()
    this.followed.clear()
  }

  containers(): ContainerRef[] {
    return [...this.followed.values()].map(({ ref }) => ref)
  }

  /** Live lines of every followed container; returns the unsubscribe function. */
  subscribe(listener: LineListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  status(): CollectorStatus {
    return { containers: this.containers(), lines: this.lines, lastError: this.lastError }
  }

  /** Looks for running stack containers not followed yet. */
  async scan(): Promise<void> {
    if (!this.running) return
    try {
      const name = await this.deps.stackName?.()
      const label = name === undefined ? STACK_LABEL : `${STACK_LABEL}=${name}`
      const list = await this.deps
        .docker()
        .listContainers({ filters: { label: [label], status: ['running'] } })
      for (const info of list) {
        const name = containerName(info.Names, info.Id)
        this.follow({ id: info.Id, name, service: info.Labels[STACK_SERVICE_LABEL] ?? name })
      }
    } catch (error) {
      this.lastError = `cannot list the stack's containers: ${message(error)}`
    }
  }

  private onEngineEvent(event: RawEngineEvent): void {
    if (event.Type !== 'container' || event.Action !== 'start') return
    const attributes = event.Actor?.Attributes ?? {}
    const id = event.Actor?.ID
    const stack = attributes[STACK_LABEL]
    if (!id || stack === undefined) return
    const name = attributes.name ?? id.slice(0, 12)
    const ref = { id, name, service: attributes[STACK_SERVICE_LABEL] ?? name }
    if (!this.deps.stackName) return this.follow(ref)
    this.deps
      .stackName()
      .then((own) => {
        if (own === stack) this.follow(ref)
      })
      .catch((error: unknown) => {
        this.lastError = `cannot read the stack settings: ${message(error)}`
      })
  }

  private follow(ref: ContainerRef): void {
    if (!this.running || this.followed.has(ref.id)) return
    const stop = new AbortController()
    this.followed.set(ref.id, { ref, stop })
    void this.run(ref, stop).finally(() => {
      if (this.followed.get(ref.id)?.stop === stop) this.followed.delete(ref.id)
    })
  }

  private async run(ref: ContainerRef, stop: AbortController): Promise<void> {
    let since: number | null = null
    try {
      since = this.deps.store.lastLineTs(ref.name)
    } catch {
      // The store is unusable (reported in its status): follow from the start, lines dedupe.
    }
    try {
      await streamContainerLogs(
        this.deps.docker(),
        {
          id: ref.id,
          tail: 'all',
          follow: true,
          stdout: true,
          stderr: true,
          // Lines of the same millisecond as the newest stored one come again; their keys dedupe.
          ...(since === null ? {} : { since }),
        },
        { signal: stop.signal, emit: (batch) => this.take(ref, batch) },
        this.deps.tuning ?? DEFAULT_LOG_TUNING,
      )
    } catch (error) {
      if (!stop.signal.aborted) {
        this.lastError = `${ref.name}: ${message(error)}`
        this.deps.log?.(`log collector: ${this.lastError}`)
      }
    }
  }

  private take(ref: ContainerRef, batch: LogBatch): void {
    if (batch.dropped > 0) {
      this.lastError = `${ref.name}: ${batch.dropped} lines skipped (the store fell behind the stream)`
    }
    if (batch.lines.length === 0) return
    const { rows, dropped } = this.deps.store.ingestLogLines(ref, batch.lines)
    if (dropped > 0)
      this.lastError = `${ref.name}: ${dropped} lines not stored (the write queue is full)`
    this.lines += batch.lines.length
    if (this.listeners.size === 0) return
    const lines = batch.lines.map((line, i) => tailLine(ref, line, rows[i] as LogRow))
    for (const listener of this.listeners) listener(ref, lines)
  }
}

const message = (error: unknown): string => (error instanceof Error ? error.message : String(error))
