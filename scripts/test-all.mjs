// `npm test`: every check in order, each timed; the vitest suites report JSON so the run can end
// with one plain summary line ("N passed, N failed"). Exits non-zero if any step failed.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

const reports = mkdtempSync(join(tmpdir(), 'maildock-test-'))
const vitest = (name, args) => ({
  name,
  cmd: [
    'npx',
    'vitest',
    'run',
    ...args,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(reports, `${name}.json`)}`,
  ],
  report: join(reports, `${name}.json`),
})
const steps = [
  { name: 'lint', cmd: ['npm', 'run', '--silent', 'lint'] },
  { name: 'typecheck', cmd: ['npm', 'run', '--silent', 'typecheck'] },
  { name: 'build', cmd: ['npm', 'run', '--silent', 'build'] },
  { name: 'security', cmd: ['npm', 'run', '--silent', 'test:security'] },
  vitest('unit', ['--project', 'unit', '--project', 'renderer']),
  vitest('integration', ['--project', 'integration']),
  // A swarm engine of its own (a second dockerd): the swarm export deployed and exercised.
  vitest('cluster', ['--project', 'cluster']),
  vitest('e2e', ['--config', 'vitest.e2e.config.ts']),
]
const only = process.argv.slice(2)
const totals = { passed: 0, failed: 0, skipped: 0 }
const summary = []
const failures = [] // "suite: file > test", printed last so a log's tail names what failed
let failedChecks = 0 // steps that are not test suites (lint, typecheck, build, security)

for (const step of steps.filter((s) => only.length === 0 || only.includes(s.name))) {
  const started = Date.now()
  console.log(`\n=== ${step.name}: ${step.cmd.join(' ')}`)
  const result = spawnSync(step.cmd[0], step.cmd.slice(1), { stdio: 'inherit' })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  let counts = ''
  if (step.report && existsSync(step.report)) {
    const json = JSON.parse(readFileSync(step.report, 'utf8'))
    // A file that fails to load (syntax, import, a hook that throws) fails none of its tests:
    // it counts as one failure of its own.
    let brokenFiles = 0
    for (const file of json.testResults.filter((f) => f.status === 'failed')) {
      const where = relative(process.cwd(), file.name)
      const tests = file.assertionResults.filter((t) => t.status === 'failed')
      if (tests.length === 0) {
        brokenFiles += 1
        failures.push(`${step.name}: ${where} (did not load)`)
      }
      for (const test of tests) {
        const why = (test.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 200)
        failures.push(`${step.name}: ${where} > ${test.fullName}\n      ${why}`)
      }
    }
    const failed = json.numFailedTests + brokenFiles
    totals.passed += json.numPassedTests
    totals.failed += failed
    totals.skipped += json.numPendingTests + json.numTodoTests
    counts = ` (${json.numPassedTests} passed, ${failed} failed${brokenFiles > 0 ? `, ${brokenFiles} files did not load` : ''})`
  } else if (step.report) {
    totals.failed += 1
  }
  const ok = result.status === 0
  if (!ok && !counts) failedChecks += 1
  summary.push(`${ok ? 'ok  ' : 'FAIL'} ${step.name.padEnd(12)} ${seconds.padStart(7)} s${counts}`)
}

console.log(`\n${summary.join('\n')}`)
if (failures.length > 0) console.log(`failed:\n${failures.map((f) => `  ${f}`).join('\n')}`)
const failedSteps = summary.filter((line) => line.startsWith('FAIL')).length
console.log(
  `${totals.passed} passed, ${totals.failed + failedChecks} failed, ${totals.skipped} skipped`,
)
process.exit(failedSteps > 0 ? 1 : 0)
