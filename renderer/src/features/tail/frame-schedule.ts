export interface FrameSchedule {
  /** Asks for one run of `flush`; many requests before it runs make one run. */
  request(): void
  cancel(): void
}

/**
 * Runs `flush` at most once per animation frame and no sooner than `minGapMs` after its last
 * run. Frames stop in a hidden tab: a timer then stands in, so what waits for `flush` stays
 * bounded.
 */
export function frameSchedule(
  flush: () => void,
  minGapMs: number,
  fallbackMs = 250,
): FrameSchedule {
  let frame: number | undefined
  let timer: ReturnType<typeof setTimeout> | undefined
  let last = Number.NEGATIVE_INFINITY
  const cancel = (): void => {
    if (frame !== undefined) cancelAnimationFrame(frame)
    clearTimeout(timer)
    frame = undefined
    timer = undefined
  }
  const run = (at = performance.now()): void => {
    cancel()
    last = at
    flush()
  }
  // `now` is the frame's start, on the same clock as performance.now().
  const onFrame = (now: number): void => {
    frame = undefined
    if (now - last >= minGapMs) run(now)
    else frame = requestAnimationFrame(onFrame)
  }
  return {
    request() {
      if (timer !== undefined) return
      timer = setTimeout(() => run(), Math.max(fallbackMs, minGapMs))
      if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(onFrame)
    },
    cancel,
  }
}
