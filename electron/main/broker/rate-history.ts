import type { BrokerOverview, BrokerRateHistory } from '../../../shared/contract'

export const RATE_WINDOW_MS = 15 * 60_000
/** At most this many queues are followed (a broker can hold thousands). */
const MAX_QUEUES = 50

interface QueueSamples {
  t: number[]
  publish: number[]
  deliver: number[]
}

/**
 * The queues' publish and deliver rates as the app polls them, for the last 15 minutes. It lives
 * in main, so leaving the Broker panel and coming back keeps the charts.
 */
export class RateHistory {
  private readonly queues = new Map<string, QueueSamples>()

  constructor(private readonly windowMs = RATE_WINDOW_MS) {}

  record(overview: BrokerOverview): void {
    if (overview.state !== 'ok') return
    const at = overview.fetchedAt
    for (const queue of overview.queues) {
      let samples = this.queues.get(queue.name)
      if (!samples) {
        if (this.queues.size >= MAX_QUEUES) continue
        samples = { t: [], publish: [], deliver: [] }
        this.queues.set(queue.name, samples)
      }
      if ((samples.t.at(-1) ?? -Infinity) >= at) continue
      samples.t.push(at)
      samples.publish.push(queue.publishRate)
      samples.deliver.push(queue.deliverRate)
    }
    this.forget(at - this.windowMs)
  }

  private forget(before: number): void {
    for (const [name, samples] of this.queues) {
      const keep = samples.t.findIndex((t) => t >= before)
      if (keep === -1) {
        this.queues.delete(name)
      } else if (keep > 0) {
        samples.t.splice(0, keep)
        samples.publish.splice(0, keep)
        samples.deliver.splice(0, keep)
      }
    }
  }

  snapshot(): BrokerRateHistory {
    return {
      windowMs: this.windowMs,
      queues: [...this.queues].map(([name, s]) => ({
        name,
        t: [...s.t],
        publish: [...s.publish],
        deliver: [...s.deliver],
      })),
    }
  }
}
