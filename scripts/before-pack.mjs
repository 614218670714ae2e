// electron-builder's beforePack hook: bundles the stack services (resources/stack/build.ts) so
// every installer carries resources/stack/<service>/dist, and refuses to pack a missing main build.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

export default async function beforePack(context) {
  const root = context.packager.projectDir
  if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
    throw new Error('out/main is missing: run `npm run build` (or `npm run dist`) first')
  }
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'resources/stack/build.ts')], {
    cwd: root,
    stdio: 'inherit',
  })
}
