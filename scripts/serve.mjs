// `npm run serve -- [--port N]`: builds when the sources are newer than the build, then starts
// browser mode (the renderer and its WebSocket on 127.0.0.1, behind a per-start token).
import { spawnSync, spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const entry = join(root, 'out/main/server.js')
/**
 * How the server is started (electron/main/server/launch.json; the e2e tests and benchmarks start
 * it the same way), to keep its memory down:
 * - V8's young generation in 4 MB semi-spaces rather than 16 MB ones, which it reaches while
 *   loading the bundle and then keeps, resident, for good (about 11 MB idle, 20 MB in a tail
 *   burst);
 * - V8's old generation bounded at 1 GiB rather than about 4 GiB on a 24 GiB machine: the bound
 *   also sets when V8 first collects the old generation, and a tail burst's dead lines (the
 *   Tail's copies and their JSON) otherwise pile up there: 200,000 lines took the main thread's
 *   heap to 81-111 MB, 55-70 MB with the bound (the burst's RSS peak 307-333 MB, 271-282 MB),
 *   the tail's rate unchanged;
 * - glibc's malloc in 2 arenas rather than up to 8 per core for its threads (the store's worker,
 *   libuv's pool), each keeping what SQLite and the buffers freed (about 7 MB idle); a value set
 *   in the environment wins.
 * The main loop's delay and the tail's rate measured the same with and without either.
 */
const launch = JSON.parse(readFileSync(join(root, 'electron/main/server/launch.json'), 'utf8'))

function newestMtime(dir) {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs)
  }
  return newest
}

const sources = ['electron', 'renderer', 'shared'].map((d) => newestMtime(join(root, d)))
const stale = !existsSync(entry) || Math.max(...sources) > statSync(entry).mtimeMs
if (stale) {
  console.error('Building MailDock (sources changed since the last build)…')
  const build = spawnSync('npx', ['electron-vite', 'build'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  if (build.status !== 0) process.exit(build.status ?? 1)
}

const server = spawn(process.execPath, [...launch.nodeFlags, entry, ...process.argv.slice(2)], {
  env: { ...launch.env, ...process.env },
  stdio: 'inherit',
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal))
server.on('exit', (code) => process.exit(code ?? 0))
