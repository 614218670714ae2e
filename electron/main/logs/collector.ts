import type Docker from 'dockerode'
import type { LogBatch } from '../../../shared/contract'
import { LABELS } from '../../../shared/labels'
import {
  type RawEngineEvent,
  DEFAULT_LOG_TUNING,
  streamContainerLogs,
  type LogStreamTuning,
} from '../docker'
import { LiveLines, type LineListener } from './live-lines'
import type { ContainerRef } from './rows'
import type { CollectorStatus } from './store'
import type { LogStoreApi } from './store-api'
import { errorMessage } from '../../../shared/error-message'

export interface CollectorDeps {
  docker: () => Docker
  /** Engine events (container start), to follow new stack containers at once. */
  onEngineEvent: (listener: (event: RawEngineEvent) => void) => () => void
  /** Called with true each time the engine (re)connects. */
  onEngineConnected: (listener: () => void) => () => void
  store: LogStoreApi
  /** The app's own stack (`maildock.stack=NAME`); without it, every MailDock stack is followed. */
  stackName?: () => Promise<string>
  tuning?: LogStreamTuning
  log?: (message: string, error?: unknown) => void
}

/** How far a stream got: the last line the store took, and whether it must be read again from there. */
interface Position {
  accepted: string | null
  behind: boolean
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
  private readonly live = new LiveLines()
  private unsubscribers: Array<() => void> = []
  private lines = 0
  private catchUps = 0
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
    return this.live.subscribe(listener)
  }

  status(): CollectorStatus {
    return {
      containers: this.containers(),
      lines: this.lines,
      catchUps: this.catchUps,
      lastError: this.lastError,
    }
  }

  /** Looks for running stack containers not followed yet. */
  async scan(): Promise<void> {
    if (!this.running) return
    try {
      for (const ref of await this.stackContainers(['running'])) this.follow(ref)
    } catch (error) {
      this.lastError = `cannot list the stack's containers: ${message(error)}`
    }
  }

  /**
   * Reads every stack container's output since its newest stored line into the store, once, and
   * resolves when it is written (the CLI when no app collects). Failures reject.
   */
  async catchUpOnce(): Promise<{ containers: number; lines: number }> {
    const before = this.lines
    const refs = await this.stackContainers()
    for (const ref of refs) {
      let resumeAt: string | null = null
      for (;;) {
        const position: Position = { accepted: resumeAt, behind: false }
        await this.stream(ref, new AbortController(), position, false)
        await this.deps.store.flush()
        if (!position.behind) break
        resumeAt = position.accepted
      }
    }
    return { containers: refs.length, lines: this.lines - before }
  }

  private async stackContainers(status?: string[]): Promise<ContainerRef[]> {
    const name = await this.deps.stackName?.()
    const label = name === undefined ? LABELS.stack : `${LABELS.stack}=${name}`
    const list = await this.deps
      .docker()
      .listContainers(
        status
          ? { filters: { label: [label], status } }
          : { all: true, filters: { label: [label] } },
      )
    return list.map((info) => {
      const name = containerName(info.Names, info.Id)
      return { id: info.Id, name, service: info.Labels[LABELS.service] ?? name }
    })
  }

  private onEngineEvent(event: RawEngineEvent): void {
    if (event.Type !== 'container' || event.Action !== 'start') return
    const attributes = event.Actor?.Attributes ?? {}
    const id = event.Actor?.ID
    const stack = attributes[LABELS.stack]
    if (!id || stack === undefined) return
    const name = attributes.name ?? id.slice(0, 12)
    const ref = { id, name, service: attributes[LABELS.service] ?? name }
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

  /** Follows a container from `resumeAt` (an engine time), else from its newest stored line. */
  private follow(ref: ContainerRef, resumeAt: string | null = null): void {
    if (!this.running || this.followed.has(ref.id)) return
    const stop = new AbortController()
    this.followed.set(ref.id, { ref, stop })
    void this.run(ref, stop, resumeAt).finally(() => {
      if (this.followed.get(ref.id)?.stop === stop) this.followed.delete(ref.id)
    })
  }

  private async run(ref: ContainerRef, stop: AbortController, resumeAt: string | null) {
    const position = { accepted: resumeAt, behind: false }
    try {
      await this.stream(ref, stop, position, true)
    } catch (error) {
      if (!stop.signal.aborted) {
        this.lastError = `${ref.name}: ${message(error)}`
        this.deps.log?.(`log collector: ${this.lastError}`)
      }
    }
    if (position.behind && this.running) void this.catchUp(ref, position.accepted)
  }

  /** Streams a container's output into the store from `position.accepted`, else its newest stored line. */
  private async stream(
    ref: ContainerRef,
    stop: AbortController,
    position: Position,
    follow: boolean,
  ): Promise<void> {
    let since: number | null = position.accepted === null ? null : sinceOf(position.accepted)
    if (since === null) {
      try {
        since = await this.deps.store.lastLineTs(ref.name)
      } catch {
        // The store is unusable (reported in its status): read from the start, lines dedupe.
      }
    }
    await streamContainerLogs(
      this.deps.docker(),
      {
        id: ref.id,
        tail: 'all',
        follow,
        stdout: true,
        stderr: true,
        // Lines already stored come again at the start; their keys dedupe.
        ...(since === null ? {} : { since }),
      },
      { signal: stop.signal, emit: (batch) => this.take(ref, batch, stop, position) },
      this.deps.tuning ?? DEFAULT_LOG_TUNING,
    )
  }

  /**
   * Stores a batch and hands it to the Tail once its rows are made. When the stream dropped lines
   * or the store's queue is full (a burst faster than the disk), following stops and starts again
   * from the last line taken, once the queue is written: the engine still has the rest, so no
   * line is lost and the Tail gets every line once, in order.
   */
  private take(ref: ContainerRef, batch: LogBatch, stop: AbortController, position: Position) {
    if (stop.signal.aborted) return
    let accepted = 0
    let behind = batch.dropped > 0
    if (!behind && batch.lines.length > 0) {
      const { lines } = batch
      const result = this.deps.store.ingestLogLines(ref, lines, this.live.handOn(ref))
      behind = result.dropped > 0
      accepted = result.accepted
      const last = lines[accepted - 1]
      if (last && last.time !== '') position.accepted = last.time
    }
    this.lines += accepted
    if (behind) {
      this.lastError = `${ref.name}: a burst outran the store; reading it again from the engine`
      position.behind = true
      stop.abort()
    }
  }

  private async catchUp(ref: ContainerRef, resumeAt: string | null): Promise<void> {
    await this.deps.store.flush()
    this.followed.delete(ref.id)
    this.catchUps += 1
    this.follow(ref, resumeAt)
  }
}

/** An engine time as the `since` of a log request: ms with the sub-millisecond part kept. */
export function sinceOf(time: string): number | null {
  const ms = Date.parse(time)
  if (!Number.isFinite(ms)) return null
  const fraction = /\.(\d+)Z$/.exec(time)?.[1] ?? ''
  // A microsecond early: doubles round, and a line read twice is deduplicated anyway.
  return ms + Number(`0.${fraction.slice(3) || '0'}`) - 0.001
}

const message = (error: unknown): string => errorMessage(error)
