import type Database from 'better-sqlite3'
import { sealWordBlocks } from './block-words'

/** Leaf pages one step writes at most: most steps take a few ms; one that ends a merge and drops
 * its inputs can take longer. */
const PAGES_PER_STEP = 64
const IDLE_MS = 3_000

/** The full-text index's segments: each is one more look-up per term in every search. */
export function indexSegments(db: Database.Database): number {
  const row = db.prepare('SELECT count(DISTINCT segid) AS n FROM entries_fts_idx').get()
  return (row as { n: number }).n
}

const tuned = new WeakSet<Database.Database>()

/**
 * One step of FTS5's incremental merge: true when it merged something. With `usermerge` 2,
 * segments of one level are merged as soon as there are two, so at most one per level remains
 * (a few in all), and a segment is rewritten once per level it climbs, not on every step.
 */
export function mergeIndexStep(db: Database.Database, pages = PAGES_PER_STEP): boolean {
  if (!tuned.has(db)) {
    db.prepare("INSERT INTO entries_fts(entries_fts, rank) VALUES ('usermerge', 2)").run()
    tuned.add(db)
  }
  const changes = db.prepare('SELECT total_changes() AS n')
  const before = (changes.get() as { n: number }).n
  db.prepare("INSERT INTO entries_fts(entries_fts, rank) VALUES ('merge', ?)").run(pages)
  // FTS5's documented test: a step that merged nothing changes fewer than 2 rows.
  return (changes.get() as { n: number }).n - before >= 2
}

export interface IdleIndexMergeOptions {
  /** The open database, or undefined while there is none. */
  database: () => Database.Database | undefined
  /** True while rows wait to be written: merging then would only delay them. */
  busy: () => boolean
  log?: (message: string, error?: unknown) => void
  idleMs?: number
  pagesPerStep?: number
}

/**
 * FTS5 writes every transaction as a new segment and merges them only a little as it inserts,
 * so a store filled by a busy stack carries about twenty, and a search looks each term up in
 * each. Once nothing has been written or asked for a while, this merges them in small steps,
 * each its own short transaction, and yields between steps so a search or a write that arrives
 * waits for one step at most; then it seals the blocks of ids not sealed yet (block-words.ts),
 * a few a step, the same way.
 */
export class IdleIndexMerge {
  private timer: NodeJS.Timeout | undefined
  private closed = false

  constructor(private readonly options: IdleIndexMergeOptions) {}

  /** A write or a search: merging waits until the store has been quiet for a while again. */
  noteActivity(): void {
    this.schedule(this.options.idleMs ?? IDLE_MS)
  }

  close(): void {
    this.closed = true
    clearTimeout(this.timer)
  }

  private schedule(ms: number): void {
    clearTimeout(this.timer)
    if (this.closed) return
    this.timer = setTimeout(() => this.step(), ms)
    this.timer.unref()
  }

  private step(): void {
    const db = this.options.database()
    if (db === undefined || db.readonly) return
    if (this.options.busy()) {
      this.noteActivity()
      return
    }
    // Both only speed searches up: a full disk or a busy file waits for the next quiet time.
    let doing = 'merging the full-text index'
    try {
      if (mergeIndexStep(db, this.options.pagesPerStep)) return this.schedule(0)
      doing = "counting the blocks' frequent words"
      if (sealWordBlocks(db)) this.schedule(0)
    } catch (error) {
      this.options.log?.(`log store: ${doing} failed`, error)
    }
  }
}
