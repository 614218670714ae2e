import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerStoreOptions } from './store-protocol'

/**
 * The store's V8 heap. A small young generation (V8's default grows it to 32 MB here) is enough:
 * rows waiting in the writer's queue outlive it anyway. The old generation's bound also sets
 * V8's first full collection (at half of it): by default that comes only after hundreds of MB of
 * a burst's dead rows. Live, a full queue (200,000 rows) holds about 60 MB.
 */
const WORKER_HEAP = { maxYoungGenerationSizeMb: 12, maxOldGenerationSizeMb: 256 }

/** Starts the built bundle's worker next to it; under tsx or vitest the .ts entry, through tsx. */
export function startWorker(workerData: WorkerStoreOptions): Worker {
  const here = dirname(fileURLToPath(import.meta.url))
  if (import.meta.url.endsWith('.ts')) {
    const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
    const api = pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href
    const entry = pathToFileURL(join(here, 'store-worker.ts')).href
    const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`
    return new Worker(boot, { eval: true, workerData, resourceLimits: WORKER_HEAP })
  }
  // Shared code is bundled into chunks/: the worker entry is beside the entries, one level up.
  for (const dir of [here, dirname(here)]) {
    const file = join(dir, 'store-worker.js')
    if (existsSync(file)) return new Worker(file, { workerData, resourceLimits: WORKER_HEAP })
  }
  throw new Error(`store-worker.js is not beside ${here}: the build is incomplete`)
}

/**
 * Waits for the worker's store to close, then ends the thread. A worker held by a long statement
 * (an upgrade, a huge export) is waited for only `timeoutMs`: SQLite rolls back what it had not
 * committed when the file is opened next.
 */
export async function endWorker(
  worker: Worker,
  closing: Promise<unknown>,
  timeoutMs: number,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      closing,
      new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs))),
    ])
  } catch {
    // It stopped on its own meanwhile: nothing is left to close.
  } finally {
    clearTimeout(timer)
  }
  // Kept alive until it has ended.
  worker.ref()
  await worker.terminate()
}
