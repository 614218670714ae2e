import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { logSearchInput, type LogSearchResult } from '../../shared/contract'
import type { SearchInput } from '../../electron/main/logs/queries'
import { LogStore } from '../../electron/main/logs/store'

export interface TempLogStore {
  dir: string
  store: LogStore
  /** Closes the store and removes its folder. */
  remove(): Promise<void>
}

/** A log store of its own in a new temporary folder, writing every few milliseconds. */
export function openTempLogStore(prefix: string): TempLogStore {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  return {
    dir,
    store,
    async remove() {
      await store.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The rows a store (on this thread or in its worker) holds for one service, page by page. */
export async function countServiceRows(
  store: { search(input: SearchInput): LogSearchResult | Promise<LogSearchResult> },
  service: string,
): Promise<number> {
  let total = 0
  let cursor: string | undefined
  do {
    const page = await store.search(
      logSearchInput.parse({
        query: { services: [service] },
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      }),
    )
    total += page.entries.length
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  return total
}
