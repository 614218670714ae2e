import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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
