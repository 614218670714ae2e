import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { Worker } from 'node:worker_threads'
import type { WorkerStoreOptions } from './store-protocol'

/** Starts the built bundle's worker next to it; under tsx or vitest the .ts entry, through tsx. */
export function startWorker(workerData: WorkerStoreOptions): Worker {
  const here = dirname(fileURLToPath(import.meta.url))
  if (import.meta.url.endsWith('.ts')) {
    const tsx = dirname(createRequire(import.meta.url).resolve('tsx/package.json'))
    const api = pathToFileURL(join(tsx, 'dist/esm/api/index.mjs')).href
    const entry = pathToFileURL(join(here, 'store-worker.ts')).href
    const boot = `import(${JSON.stringify(api)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry)}, ${JSON.stringify(entry)}))`
    return new Worker(boot, { eval: true, workerData })
  }
  // Shared code is bundled into chunks/: the worker entry is beside the entries, one level up.
  for (const dir of [here, dirname(here)]) {
    const file = join(dir, 'store-worker.js')
    if (existsSync(file)) return new Worker(file, { workerData })
  }
  throw new Error(`store-worker.js is not beside ${here}: the build is incomplete`)
}
