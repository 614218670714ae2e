// The exported compose file runs the same stack without MailDock: Debian's docker-compose (v1)
// accepts it, brings it up with the same images, and it delivers an email.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import type { StackExport } from '../../../shared/contract'
import {
  openStack,
  pinTestInputs,
  postEmail,
  removeStack,
  stackEnv,
  uniqueStackName,
  waitForMessage,
  waitLabelledHealthy,
  type PinnedInputs,
  type TestStack,
} from '../../../test/support/stack'

const docker = new Docker()
const name = uniqueStackName('mdx')
const project = `${name}-compose`
const dir = mkdtempSync(join(tmpdir(), 'maildock-export-'))
const file = join(dir, 'docker-compose.yml')
let stack: TestStack
let exported: StackExport
let builtImages: string[] = []
let pinned: PinnedInputs | undefined

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      command,
      args,
      { cwd: dir, env: { ...process.env, ...env } },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    )
  })
}

const compose = (...args: string[]) => run('docker-compose', ['-p', project, '-f', file, ...args])

async function hostPort(service: string, containerPort: number): Promise<number> {
  const [container] = await docker.listContainers({
    filters: {
      label: [`com.docker.compose.project=${project}`, `com.docker.compose.service=${service}`],
    },
  })
  const port = container?.Ports.find((p) => p.PrivatePort === containerPort)?.PublicPort
  if (port === undefined) throw new Error(`${service}:${containerPort} not published`)
  return port
}

beforeAll(async () => {
  pinned = await pinTestInputs(docker, name)
  stack = await openStack(stackEnv(name, { ...pinned.env, MAILDOCK_EMAILER_REPLICAS: '2' }))
  const result = await stack.manager.up()
  builtImages = result.changes.builtImages
  exported = await stack.manager.exportCompose(true)
  await writeFile(file, exported.compose)
  await writeFile(join(dir, '.env'), exported.env, { mode: 0o600 })
  // The exported stack runs on its own; MailDock's copy is not needed any more.
  await stack.manager.down(true)
})

afterAll(async () => {
  await compose('down', '-v', '--timeout', '5')
  await removeStack(docker, name)
  stack.close()
  for (const image of builtImages)
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined)
  await pinned?.cleanup()
  // The .env holds the test stack's broker password.
  rmSync(dir, { recursive: true, force: true })
})

describe('compose export', () => {
  it('passes docker-compose config, keeps secrets in the env file only, and has deploy.replicas', async () => {
    const checked = await compose('config')
    expect(checked.stderr).toBe('')
    expect(checked.code).toBe(0)
    const resolved = parse(checked.stdout) as {
      services: Record<string, { deploy?: { replicas: number }; ports?: string[]; image: string }>
    }
    expect(resolved.services.emailer?.deploy?.replicas).toBe(2)
    expect(resolved.services.api?.ports?.[0]).toMatch(/^127\.0\.0\.1::3000/)
    expect(exported.compose).not.toMatch(/RABBITMQ_DEFAULT_PASS: "[A-Za-z0-9]{32}"/)
    expect(exported.env).toMatch(/^MAILDOCK_BROKER_PASSWORD='[A-Za-z0-9]{32}'$/m)
    expect((await stat(join(dir, '.env'))).mode & 0o777).toBe(0o600)
    const swarm = await run('docker', ['stack', 'config', '-c', file], {
      MAILDOCK_BROKER_PASSWORD: 'x',
    })
    expect(swarm.code).toBe(0)
  })

  it('runs with docker-compose up -d on the same images and delivers an email', async () => {
    const up = await compose('up', '-d')
    expect(up.code, up.stderr).toBe(0)
    await waitLabelledHealthy(docker, `com.docker.compose.project=${project}`, 6)
    const containers = await docker.listContainers({
      filters: { label: [`com.docker.compose.project=${project}`] },
    })
    const file = parse(exported.compose) as { services: Record<string, { image: string }> }
    expect(containers).toHaveLength(6)
    for (const container of containers) {
      const service = container.Labels['com.docker.compose.service'] ?? ''
      expect(container.Image).toBe(file.services[service]?.image)
    }
    expect(file.services.api?.image).toMatch(/^maildock\/api:[0-9a-f]{12}$/)
    const subject = `exported ${name}`
    await postEmail(`http://127.0.0.1:${await hostPort('api', 3000)}`, subject)
    await waitForMessage(`http://127.0.0.1:${await hostPort('catcher', 8025)}`, subject)
  })
})
