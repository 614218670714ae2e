import type { LogTailBatch, TailLine } from '../../../../shared/contract'

/*
 * The Tail's memory: a bounded window of lines on screen, and while paused a bounded list of
 * lines that arrived meanwhile ("N new lines"). Older lines read back from the store are put in
 * front. Everything here is pure so the bounds are easy to test.
 */

export interface TailBuffer {
  lines: TailLine[]
  /** Arrived while paused; shown on resume. */
  pending: TailLine[]
  following: boolean
  /** Lines main or this view had to drop (the view fell behind). */
  skipped: number
  /** Old lines let go from the front of the window (still in the store). */
  trimmed: number
  /** Lines received in all. */
  received: number
  historyDone: boolean
  notices: string[]
}

export interface TailLimits {
  /** Lines on screen while following. */
  window: number
  /** Extra lines on screen read back from the store while scrolled up. */
  older: number
  /** Lines held while paused. */
  pending: number
}

export const TAIL_LIMITS: TailLimits = { window: 20_000, older: 20_000, pending: 100_000 }

export const emptyTail: TailBuffer = {
  lines: [],
  pending: [],
  following: true,
  skipped: 0,
  trimmed: 0,
  received: 0,
  historyDone: false,
  notices: [],
}

function keepLast<T>(items: T[], max: number): { kept: T[]; lost: number } {
  return items.length > max
    ? { kept: items.slice(items.length - max), lost: items.length - max }
    : { kept: items, lost: 0 }
}

export function appendBatch(
  buffer: TailBuffer,
  batch: LogTailBatch,
  limits: TailLimits = TAIL_LIMITS,
): TailBuffer {
  const next: TailBuffer = {
    ...buffer,
    skipped: buffer.skipped + batch.dropped,
    received: buffer.received + batch.lines.length,
    historyDone: buffer.historyDone || batch.historyDone === true,
    notices: batch.notices ? [...buffer.notices, ...batch.notices].slice(-5) : buffer.notices,
  }
  if (batch.lines.length === 0) return next
  if (!buffer.following) {
    const { kept, lost } = keepLast(buffer.pending.concat(batch.lines), limits.pending)
    return { ...next, pending: kept, skipped: next.skipped + lost }
  }
  const { kept, lost } = keepLast(buffer.lines.concat(batch.lines), limits.window)
  return { ...next, lines: kept, trimmed: buffer.trimmed + lost }
}

/** Batches that arrived together: as if appended one by one, with one copy of the window. */
export function appendBatches(
  buffer: TailBuffer,
  batches: LogTailBatch[],
  limits: TailLimits = TAIL_LIMITS,
): TailBuffer {
  if (batches.length <= 1) return batches[0] ? appendBatch(buffer, batches[0], limits) : buffer
  const merged: LogTailBatch = {
    lines: batches.flatMap((batch) => batch.lines),
    dropped: batches.reduce((sum, batch) => sum + batch.dropped, 0),
  }
  if (batches.some((batch) => batch.historyDone)) merged.historyDone = true
  const notices = batches.flatMap((batch) => batch.notices ?? [])
  if (notices.length > 0) merged.notices = notices
  return appendBatch(buffer, merged, limits)
}

export const pause = (buffer: TailBuffer): TailBuffer =>
  buffer.following ? { ...buffer, following: false } : buffer

/** Back to live: what arrived while paused joins the window, which shrinks to its bound. */
export function resume(buffer: TailBuffer, limits: TailLimits = TAIL_LIMITS): TailBuffer {
  if (buffer.following) return buffer
  const { kept, lost } = keepLast(buffer.lines.concat(buffer.pending), limits.window)
  return { ...buffer, lines: kept, pending: [], following: true, trimmed: buffer.trimmed + lost }
}

/** Lines from the store, older than the window; already shown ones (same key) are skipped. */
export function prependOlder(
  buffer: TailBuffer,
  older: TailLine[],
  limits: TailLimits = TAIL_LIMITS,
): { buffer: TailBuffer; added: number } {
  const shown = new Set(buffer.lines.map((line) => line.key))
  const fresh = older.filter((line) => !shown.has(line.key))
  const room = Math.max(0, limits.window + limits.older - buffer.lines.length)
  const added = fresh.slice(Math.max(0, fresh.length - room))
  return {
    buffer: {
      ...buffer,
      lines: added.concat(buffer.lines),
      trimmed: Math.max(0, buffer.trimmed - added.length),
    },
    added: added.length,
  }
}

export const clearTail = (buffer: TailBuffer): TailBuffer => ({
  ...emptyTail,
  historyDone: buffer.historyDone,
  following: buffer.following,
})
