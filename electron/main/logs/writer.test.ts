import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { logSearchInput } from '../../../shared/contract'
import { rowFromContainerLine } from './rows'
import { LogStore } from './store'

const dirs: string[] = []
const stores: LogStore[] = []

afterEach(async () => {
  for (const store of stores.splice(0)) await store.close()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Every batch counts as slow while someone reads (target 0 ms), none while nobody does. */
function storeWithSlowReaders(): LogStore {
  const dir = mkdtempSync(join(tmpdir(), 'maildock-writer-'))
  dirs.push(dir)
  const store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5, batchRows: 400, targetBatchMs: 0, bulkBatchMs: 60_000 },
  })
  stores.push(store)
  return store
}

const rows = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    rowFromContainerLine(
      { id: 'c1', name: 'stack-api-1', service: 'api' },
      { stream: 'stdout', time: new Date(1_700_000_000_000 + i).toISOString(), text: `line ${i}` },
    ),
  )

describe('BatchWriter batch size', () => {
  it('keeps full transactions while nobody reads', async () => {
    const store = storeWithSlowReaders()
    store.ingestRows(rows(2_000))
    await store.flush()
    const { ingest } = store.status()
    expect(ingest.batches).toBe(5)
    expect(store.writer.stats.lastBatchRows).toBe(400)
  })

  it('shortens transactions after a query, so the next query waits less', async () => {
    const store = storeWithSlowReaders()
    store.search(logSearchInput.parse({ query: {} }))
    store.ingestRows(rows(2_000))
    await store.flush()
    expect(store.status().ingest.batches).toBeGreaterThan(5)
    expect(store.writer.stats.lastBatchRows).toBe(100)
    expect(store.status().rows).toBe(2_000)
  })
})
