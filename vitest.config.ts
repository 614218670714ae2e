import { defineConfig } from 'vitest/config'
import react from '@vitejs/plugin-react'

// Four projects: plain-Node unit tests, renderer component tests in jsdom, integration tests
// that talk to the real Docker engine (run one file at a time), and cluster tests (a swarm engine
// of their own, one file at a time).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['{electron,shared,resources,test}/**/*.test.ts'],
          exclude: [
            '**/*.int.test.ts',
            '**/*.e2e.test.ts',
            '**/*.electron.test.ts',
            '**/*.cluster.test.ts',
            '**/node_modules/**',
            '**/dist/**',
          ],
        },
      },
      {
        plugins: [react()],
        test: {
          name: 'renderer',
          environment: 'jsdom',
          include: ['renderer/src/**/*.test.{ts,tsx}'],
          setupFiles: ['renderer/src/test/setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          include: ['{electron,shared,resources,test}/**/*.int.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**'],
          fileParallelism: false,
          testTimeout: 180_000,
          hookTimeout: 600_000,
        },
      },
      {
        test: {
          name: 'cluster',
          environment: 'node',
          globalSetup: ['test/global-setup.ts'],
          include: ['{electron,test}/**/*.cluster.test.ts'],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
})
