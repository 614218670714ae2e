#!/usr/bin/env node
// The CLI runs from the build (npm run build); it never imports Electron.
import { existsSync } from 'node:fs'

const entry = new URL('../out/main/cli.js', import.meta.url)
if (!existsSync(entry)) {
  console.error('maildock: not built yet: run `npm run build` in the MailDock folder first')
  process.exit(2)
}
await import(entry.href)
