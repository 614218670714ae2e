export interface BackoffOptions {
  initialMs: number
  maxMs: number
  /** 0..1: each delay is spread over [delay * (1 - jitter), delay]. */
  jitter: number
}

export const DEFAULT_RECONNECT_BACKOFF: BackoffOptions = {
  initialMs: 250,
  maxMs: 10_000,
  jitter: 0.3,
}

/**
 * Tells a stack service to try the broker now instead of waiting out its backoff: MailDock sends
 * it once the broker is healthy. SIGWINCH because its default action is to ignore it, so a service
 * still booting (no handler yet) loses nothing.
 */
export const RETRY_NOW_SIGNAL = 'SIGWINCH'

/** Exponential delay for the n-th consecutive failure (n >= 1), capped and jittered. */
export function backoffDelay(
  failures: number,
  options: BackoffOptions,
  random: () => number = Math.random,
): number {
  const exponential = options.initialMs * 2 ** Math.max(0, failures - 1)
  const capped = Math.min(options.maxMs, exponential)
  return Math.round(capped * (1 - options.jitter * random()))
}

/** Resolves after ms, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) return resolve()
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
  })
}
