// `npm run test:electron`: the Electron smoke tests (test/electron/), on the built app. They need
// the Electron binary, which `npm ci` downloads (the release workflow's runners can; the
// registry-less dev/CI machines cannot): without it this fails with one line, never a silent pass.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const require = createRequire(import.meta.url)
const electronDir = dirname(require.resolve('electron/package.json'))
const pathFile = join(electronDir, 'path.txt')
const binary = existsSync(pathFile)
  ? join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  : null
if (binary === null || !existsSync(binary)) {
  console.error(
    `test:electron: the Electron binary is missing (${binary ?? join(electronDir, 'dist')}): run \`npm ci\` without ELECTRON_SKIP_BINARY_DOWNLOAD on a machine that can download it`,
  )
  process.exit(1)
}
if (!existsSync('out/main/index.js')) {
  console.error('test:electron: the app is not built: run `npm run build` first')
  process.exit(1)
}
const run = spawnSync('npx', ['vitest', 'run', '--config', 'vitest.electron.config.ts'], {
  stdio: 'inherit',
  shell: process.platform === 'win32',
})
process.exit(run.status ?? 1)
