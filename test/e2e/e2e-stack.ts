import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import type { Page } from 'playwright-core'
import type { StackResult } from '../../shared/contract'
import { removeStack, stackEnv, uniqueStackName } from '../support/stack'

export interface E2eStack {
  name: string
  dataDir: string
  /** What the app and the CLI run with: the stack's name, images and the data folder. */
  env: NodeJS.ProcessEnv
  /** `maildock ARGS` from the built CLI (bin/maildock.js); rejects with stderr on a non-zero exit. */
  cli(...args: string[]): Promise<string>
  /** `maildock up --json`; the images it built are removed again by `cleanup`. */
  up(): Promise<StackResult>
  /** Removes the stack, the images `up` built and the data folder. */
  cleanup(): Promise<void>
}

/** A uniquely named stack for one e2e file, with a data folder of its own. */
export function e2eStack(prefix: string): E2eStack {
  const docker = new Docker()
  const name = uniqueStackName(prefix)
  const dataDir = mkdtempSync(join(tmpdir(), `maildock-e2e-${prefix}-`))
  const env = { ...stackEnv(name), MAILDOCK_DATA_DIR: dataDir }
  const builtImages: string[] = []
  const cli = (...args: string[]): Promise<string> =>
    new Promise((resolve, reject) => {
      execFile(
        process.execPath,
        ['bin/maildock.js', ...args],
        { env: { ...process.env, ...env }, maxBuffer: 32 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      )
    })
  return {
    name,
    dataDir,
    env,
    cli,
    async up() {
      await removeStack(docker, name)
      const result = JSON.parse(await cli('up', '--json')) as StackResult
      builtImages.push(...result.changes.builtImages)
      return result
    },
    async cleanup() {
      await removeStack(docker, name)
      for (const image of builtImages)
        await docker
          .getImage(image)
          .remove()
          .catch(() => undefined)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** The panels in sidebar order, read from the page (the renderer is not a test's to import). */
export async function sidebarPanels(page: Page): Promise<string[]> {
  const links = await page.getByRole('navigation', { name: 'Panels' }).getByRole('link').all()
  const hrefs = await Promise.all(links.map((link) => link.getAttribute('href')))
  return hrefs.flatMap((href) => (href?.startsWith('#/') ? [href.slice(2)] : []))
}
