import type { StackStatus } from '../../../shared/contract'
import type { EngineMonitor, RawEngineEvent } from '../docker'
import { LABELS } from '../../../shared/labels'

const DEBOUNCE_MS = 250

/** Whether an engine event may change the stack's status (health-check execs do not). */
export function concernsStack(event: RawEngineEvent, stack: string): boolean {
  const action = event.Action ?? ''
  if (action.startsWith('exec_')) return false
  const attributes = event.Actor?.Attributes ?? {}
  if (event.Type === 'container') return attributes[LABELS.stack] === stack
  if (event.Type === 'network' || event.Type === 'volume') {
    const name = attributes.name ?? event.Actor?.ID ?? ''
    return name.startsWith(`${stack}-`)
  }
  return false
}

/** The status without what changes on every read. */
function fingerprint(status: StackStatus): string {
  return JSON.stringify({
    ...status,
    checkedAt: 0,
    services: status.services.map((s) => ({
      ...s,
      instances: s.instances.map((i) => ({ ...i, uptimeMs: 0 })),
    })),
  })
}

type Listener = (status: StackStatus) => void

/**
 * Pushes the stack's status to subscribers when one of its containers, its network, its volumes
 * or the engine's connection changes; reads are debounced and unchanged results not sent.
 */
export class StatusWatcher {
  private readonly listeners = new Set<Listener>()
  private stops: Array<() => void> = []
  private timer: NodeJS.Timeout | undefined
  private reading = false
  private again = false
  private last = ''

  constructor(
    private readonly engine: EngineMonitor,
    private readonly stackName: () => string,
    private readonly read: () => Promise<StackStatus>,
    private readonly onError: (error: unknown) => void,
  ) {}

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener)
    if (this.listeners.size === 1) this.start()
    void this.read().then(
      (status) => listener(status),
      (error: unknown) => this.onError(error),
    )
    return () => {
      this.listeners.delete(listener)
      if (this.listeners.size === 0) this.stop()
    }
  }

  /** Something changed (an operation began or ended): refresh soon. */
  poke(): void {
    if (this.listeners.size === 0) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.refresh(), DEBOUNCE_MS)
  }

  private start(): void {
    this.stops = [
      this.engine.onEvent((event) => {
        if (concernsStack(event, this.stackName())) this.poke()
      }),
      this.engine.onChange(() => this.poke()),
    ]
  }

  private stop(): void {
    for (const stop of this.stops) stop()
    this.stops = []
    clearTimeout(this.timer)
    this.last = ''
  }

  private async refresh(): Promise<void> {
    if (this.reading) {
      this.again = true
      return
    }
    this.reading = true
    try {
      const status = await this.read()
      const print = fingerprint(status)
      if (print !== this.last) {
        this.last = print
        for (const listener of this.listeners) listener(status)
      }
    } catch (error) {
      this.onError(error)
    } finally {
      this.reading = false
      if (this.again) {
        this.again = false
        this.poke()
      }
    }
  }
}
