import { defineConfig } from 'vitest/config'

// End-to-end: the built app in browser mode, driven in Debian's Chromium (run `npm run build` first).
export default defineConfig({
  test: {
    name: 'e2e',
    environment: 'node',
    globalSetup: ['test/global-setup.ts'],
    include: ['test/e2e/**/*.e2e.test.ts'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
})
