import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'

export default defineConfig({
  main: {
    build: {
      // zod is bundled (as in the preload): its package is 4 MB of which main uses a fraction.
      externalizeDeps: { exclude: ['zod'] },
      rollupOptions: {
        input: {
          index: resolve('electron/main/app/index.ts'),
          server: resolve('electron/main/server/main.ts'),
          cli: resolve('electron/main/cli/main.ts'),
          // The log store's thread: WorkerLogStore starts it from beside these entries.
          'store-worker': resolve('electron/main/logs/store-worker.ts'),
        },
      },
    },
  },
  preload: {
    // A sandboxed preload can require nothing but electron: bundle zod in, emit one CJS file.
    build: {
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      rollupOptions: { input: { index: resolve('renderer/index.html') } },
    },
  },
})
