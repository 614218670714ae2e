import { defineConfig } from 'vitest/config'

// The Electron smoke tests (`npm run test:electron`): the built app in the real Electron binary.
export default defineConfig({
  test: {
    include: ['test/electron/**/*.electron.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
})
