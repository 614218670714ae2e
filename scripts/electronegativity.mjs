// Runs Doyensec's electronegativity over the Electron sources and the built main/preload, and fails
// on any finding of medium severity or above (the tool itself exits 0 whatever it finds).
import { createRequire } from 'node:module'
import { resolve } from 'node:path'

const require = createRequire(import.meta.url)
// Its CLI breaks on the project's newer commander, so call its runner directly.
const run = require('@doyensec/electronegativity/dist/runner.js')

const SEVERITIES = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL']
const inputs = ['electron']
const electronVersion = require('electron/package.json').version
let failed = false

for (const input of inputs) {
  const result = await run({
    input: resolve(input),
    customScan: [],
    excludeFromScan: [],
    isRelative: true,
    isVerbose: false,
    electronVersionOverride: electronVersion,
    parserPlugins: [],
  })
  const serious = result.issues.filter(
    (i) => SEVERITIES.indexOf(i.severity.name) >= SEVERITIES.indexOf('MEDIUM'),
  )
  const minor = result.issues.length - serious.length
  console.log(
    `electronegativity ${input}: ${result.atomicChecks} checks, ${serious.length} findings of medium or above, ${minor} below, ${result.errors.length} files not parsed`,
  )
  for (const issue of serious) {
    console.log(
      `  ${issue.severity.name} ${issue.id} ${issue.file}:${issue.location.line} ${issue.description}`,
    )
  }
  for (const error of result.errors.filter((e) => !e.tolerable))
    console.log(`  could not parse ${error.file}: ${error.message}`)
  if (serious.length > 0 || result.errors.some((e) => !e.tolerable)) failed = true
}
process.exit(failed ? 1 : 0)
