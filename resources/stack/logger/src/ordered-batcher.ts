/**
 * Collects items and hands them to `flush` in order, one batch at a time: when `batchSize`
 * items are waiting or `intervalMs` after the first one arrived. `drain` flushes what is left.
 */
export class OrderedBatcher<T> {
  private pending: T[] = []
  private timer: NodeJS.Timeout | undefined
  private chain: Promise<void> = Promise.resolve()

  constructor(
    private readonly flush: (items: T[]) => Promise<void>,
    private readonly batchSize: number,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown, items: T[]) => void,
  ) {}

  get waiting(): number {
    return this.pending.length
  }

  add(item: T): void {
    this.pending.push(item)
    if (this.pending.length >= this.batchSize) this.cut()
    else this.timer ??= setTimeout(() => this.cut(), this.intervalMs)
  }

  async drain(): Promise<void> {
    this.cut()
    await this.chain
  }

  private cut(): void {
    if (this.timer !== undefined) clearTimeout(this.timer)
    this.timer = undefined
    if (this.pending.length === 0) return
    const items = this.pending
    this.pending = []
    this.chain = this.chain.then(() =>
      this.flush(items).catch((error: unknown) => this.onError(error, items)),
    )
  }
}
