export interface BackoffOptions {
  initialMs: number
  maxMs: number
  /** 0..1: each delay is spread over [delay * (1 - jitter), delay]. */
  jitter: number
}

export const RECONNECT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 15_000, jitter: 0.3 }

/** Exponential delay for the n-th consecutive failure (n >= 1), capped and jittered. */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const capped = Math.min(options.maxMs, options.initialMs * 2 ** Math.max(0, failures - 1))
  return Math.round(capped * (1 - options.jitter * random()))
}
