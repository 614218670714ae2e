export interface BatcherOptions<T> {
  /** How often pending items go out. */
  intervalMs: number
  /** At most this many items wait between flushes; beyond it the oldest are dropped and counted. */
  maxPending: number
  flush: (items: T[], dropped: number) => void
}

/**
 * Collects a high-rate stream into batches sent every `intervalMs`, holding a bounded number of
 * items: a consumer that cannot keep up loses the oldest pending items (counted), never memory.
 */
export class Batcher<T> {
  private pending: T[] = []
  /** Index of the oldest pending item still kept; everything before it was dropped. */
  private head = 0
  private dropped = 0
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly options: BatcherOptions<T>) {}

  push(item: T): void {
    if (this.closed) return
    if (this.pending.length - this.head >= this.options.maxPending) {
      this.head += 1
      this.dropped += 1
      if (this.head >= this.options.maxPending) this.compact()
    }
    this.pending.push(item)
    this.timer ??= setTimeout(() => this.flushNow(), this.options.intervalMs)
  }

  /** Sends whatever is pending (and the drop count) now. */
  flushNow(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === this.head && this.dropped === 0) return
    const items = this.head === 0 ? this.pending : this.pending.slice(this.head)
    const dropped = this.dropped
    this.pending = []
    this.head = 0
    this.dropped = 0
    this.options.flush(items, dropped)
  }

  /** Flushes the rest and stops. */
  close(): void {
    if (this.closed) return
    this.flushNow()
    this.closed = true
  }

  /** Stops without flushing (the consumer has gone). */
  discard(): void {
    clearTimeout(this.timer)
    this.closed = true
    this.pending = []
  }

  private compact(): void {
    this.pending = this.pending.slice(this.head)
    this.head = 0
  }
}
