// Bundles the catcher into one CommonJS file, dist/index.js, for the maildock/catcher image.
// Usage: node resources/stack/catcher/build.mjs
import { mkdir, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const dir = dirname(fileURLToPath(import.meta.url))
const outfile = join(dir, 'dist', 'index.js')

await mkdir(join(dir, 'dist'), { recursive: true })
await build({
  entryPoints: [join(dir, 'src', 'index.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  minifySyntax: true,
  legalComments: 'none',
  logLevel: 'warning',
  banner: { js: '// MailDock SMTP catcher (Mailpit compatible), bundled by build.mjs' },
})
// The repository's package.json says "type": "module"; the bundle is CommonJS.
await writeFile(join(dir, 'dist', 'package.json'), '{ "type": "commonjs" }\n')
console.log(`${outfile} (${((await stat(outfile)).size / 1024).toFixed(0)} KiB)`)
