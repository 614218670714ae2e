// What every benchmark hands to `bench/run.ts`: its figures as one JSON line on stdout, after its
// human-readable output. The runner turns them into BENCHMARKS.md.

export interface Figure {
  /** Issue #12's goal number (1-8) this figure belongs to. */
  goal: number
  name: string
  value: number
  unit: string
  /** The same work done the plain way in the same run, when the goal is a ratio. */
  baseline?: { name: string; value: number }
  /** What the goal asks, e.g. ">= 0.8x baseline" or "<= 50 ms". */
  target: string
  /** Whether the target holds; undefined when the figure only gives context (a ceiling). */
  holds?: boolean
  /** How the figure was measured. */
  method: string
  /** When the target does not hold: what bounds it, measured. */
  bound?: string
}

export const FIGURES_PREFIX = 'BENCH-FIGURES '

export function reportFigures(bench: string, figures: Figure[]): void {
  console.log(`${FIGURES_PREFIX}${JSON.stringify({ bench, figures })}`)
}

export function ratio(value: number, baseline: number): number {
  return baseline === 0 ? Number.NaN : value / baseline
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length / 2
  if (sorted.length === 0) return Number.NaN
  return Number.isInteger(mid) ? (sorted[mid - 1]! + sorted[mid]!) / 2 : sorted[Math.floor(mid)]!
}
