import type { TailLine } from '../../../shared/contract'
import { keyHex, levelAt, type BuiltLines, type ContainerLine, type ContainerRef } from './rows'
import type { OnBuilt } from './store-api'

export type LineListener = (container: ContainerRef, lines: TailLine[]) => void

/** What a Tail line needs of its row: a row, or one line of a batch's BuiltLines. */
export interface RowFacts {
  ts: number
  dedup: bigint
  level: TailLine['level']
}

export function tailLine(container: ContainerRef, line: ContainerLine, row: RowFacts): TailLine {
  return {
    key: keyHex(row.dedup),
    ts: row.ts,
    service: container.service,
    container: container.name,
    stream: line.stream,
    level: row.level,
    text: line.text,
  }
}

/**
 * The collector's stored lines on their way to live listeners (the Tail): each line once, per
 * container in the order the batches were taken, also when a catch-up reads some of them again.
 */
export class LiveLines {
  private readonly listeners = new Set<LineListener>()
  /** Newest line time handed on, per container (so a catch-up shows nothing twice). */
  private readonly shown = new Map<string, ShownMark>()

  /** Returns the unsubscribe function. */
  subscribe(listener: LineListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * What to do once a batch's rows are made: hand its lines on. Nothing while no one listens, so
   * the store need not send anything back (a later listener gets what came before from history).
   * The store gives the lines back then: holding them here until the worker answers would move
   * every line of a burst into the old generation of the main thread's heap.
   */
  handOn(ref: ContainerRef): OnBuilt | undefined {
    return this.listeners.size === 0 ? undefined : (built, lines) => this.take(ref, lines, built)
  }

  /** Hands on the lines of a batch whose rows were made (`built` holds the first lines' facts). */
  private take(ref: ContainerRef, lines: readonly ContainerLine[], built: BuiltLines): void {
    const mark = this.shown.get(ref.id) ?? nothingShown()
    this.shown.set(ref.id, mark)
    const out: TailLine[] = []
    built.ts.forEach((ts, i) => {
      const dedup = built.keys[i] ?? 0n
      const line = lines[i]
      if (line && markShown(mark, ts, dedup)) {
        out.push(tailLine(ref, line, { ts, dedup, level: levelAt(built, i) }))
      }
    })
    if (out.length === 0) return
    for (const listener of this.listeners) listener(ref, out)
  }
}

/** A container's lines the Tail showed lately: the newest time, and the keys of the last moment. */
export interface ShownMark {
  newest: number
  recent: Map<bigint, number>
}

/** Wider than the engine's reordering of stdout and stderr lines and a catch-up's overlap. */
const SHOWN_WINDOW_MS = 250

export const nothingShown = (): ShownMark => ({ newest: -Infinity, recent: new Map() })

/**
 * Whether a line is new to the Tail, noting it in `mark` when it is. A catch-up reads again from
 * the last line taken, and the engine may log a stderr line with an earlier time than the stdout
 * line before it: a line is on screen already when its key was shown lately, or when it is older
 * than the newest shown by more than the window (a stream started over from an older point).
 */
export function markShown(mark: ShownMark, ts: number, key: bigint): boolean {
  if (ts < mark.newest - SHOWN_WINDOW_MS || mark.recent.has(key)) return false
  mark.recent.set(key, ts)
  if (ts > mark.newest) {
    mark.newest = ts
    for (const [oldKey, at] of mark.recent) {
      if (at >= ts - SHOWN_WINDOW_MS) break
      mark.recent.delete(oldKey)
    }
  }
  return true
}
