// The swarm export, deployed on a real swarm: a dockerd of this test's own (the shared engine is
// never put into swarm mode), the images MailDock built copied into it, `docker stack deploy`
// with 3 emailer replicas, dnsrr and host-mode ports (this kernel has no IPVS). 1,000 emails
// POSTed with an emailer task killed mid-burst all arrive once; `docker service scale` to 5 works
// and the new tasks deliver; `docker stack rm` removes it; the engine goes away without a trace.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postMany } from '../../../resources/stack/test/api-client'
import { CatcherTestClient } from '../../../resources/stack/test/catcher-client'
import { containerLogs, waitFor } from '../../../resources/stack/test/docker-helpers'
import { waitForDelivery } from '../../../resources/stack/test/expectations'
import { run, SwarmEngine } from '../../../test/swarm-engine'
import { exportStack } from './export'
import { defineStack, type StackDefinition } from './definition'
import { resolveImages } from './images'
import { Operation } from './operation'
import { settingsWith } from '../../../test/support/stack-fixtures'
import { pinTestInputs, uniqueStackName, type PinnedInputs } from '../../../test/support/stack'

const BURST = 1_000
const KILL_AT = 300
const AFTER_SCALE = 200
const shared = new Docker()
const name = uniqueStackName('mdsw')
const dir = mkdtempSync(join(tmpdir(), 'maildock-swarm-'))
const brokerPassword = randomBytes(16).toString('hex')
let engine: SwarmEngine | undefined
let pinned: PinnedInputs | undefined
let built: string[] = []
let apiUrl = ''
let catcher = new CatcherTestClient('')

function definitionFor(env: NodeJS.ProcessEnv): StackDefinition {
  const settings = settingsWith((s) => {
    s.stackName = name
    s.images = {
      node: env.MAILDOCK_NODE_IMAGE ?? '',
      broker: env.MAILDOCK_BROKER_IMAGE ?? '',
      catcher: env.MAILDOCK_CATCHER_IMAGE ?? '',
    }
    // 0: the engine picks each published port (host mode), so nothing here collides.
    s.ports = { api: 0, broker: 0, brokerUi: 0, catcherUi: 0 }
    s.emailerReplicas = 3
  })
  const password = () => randomBytes(16).toString('hex')
  const credentials = {
    brokerUser: 'maildock',
    brokerPassword,
    servicePasswords: { api: password(), emailer: password(), logger: password() },
    smtpPassword: null,
  }
  return defineStack(settings, credentials, { 'maildock.test': '1' })
}

const tasksOf = (service: string, state = 'running') =>
  engine!.docker.listContainers({
    filters: {
      label: [`com.docker.swarm.service.name=${name}_${service}`],
      status: [state],
    },
  })

async function healthyTasks(service: string): Promise<string[]> {
  const tasks = await tasksOf(service)
  return tasks.filter((task) => / \(healthy\)$/.test(task.Status)).map((task) => task.Id)
}

const waitHealthy = (service: string, count: number, timeoutMs = 240_000) =>
  waitFor(
    `${count} healthy ${service} task(s)`,
    async () => ((await healthyTasks(service)).length === count ? true : undefined),
    timeoutMs,
    1000,
  )

/** The host port of a host-mode published port; it must listen on loopback only. */
async function publishedPort(service: string, containerPort: number): Promise<number> {
  const [task] = await tasksOf(service)
  const ports = task?.Ports.filter((p) => p.PrivatePort === containerPort) ?? []
  if (ports.length === 0) throw new Error(`${service}:${containerPort} is not published`)
  expect(ports.map((p) => p.IP)).toEqual(ports.map(() => '127.0.0.1'))
  return ports[0]!.PublicPort
}

/** Counts cheaply (one small page) until `ids` more have arrived, then checks every id. */
async function delivered(ids: string[], already: number, timeoutMs: number) {
  await waitFor(
    `${ids.length} more messages at the catcher`,
    async () => ((await catcher.total()) >= already + ids.length ? true : undefined),
    timeoutMs,
    2000,
  ).catch(() => undefined)
  return waitForDelivery(() => catcher, ids, 30_000)
}

/** Which emailer task's log says it sent each of `ids`. */
async function sentBy(tasks: string[], ids: string[]): Promise<Map<string, number>> {
  const wanted = new Set(ids)
  const counts = new Map<string, number>()
  for (const task of tasks) {
    const log = await containerLogs(engine!.docker.getContainer(task), 100_000)
    const sent = log
      .split('\n')
      .filter((line) => line.includes('"msg":"email sent"'))
      .filter((line) => wanted.has(/"emailId":"([^"]+)"/.exec(line)?.[1] ?? ''))
    counts.set(task, sent.length)
  }
  return counts
}

beforeAll(async () => {
  pinned = await pinTestInputs(shared, name)
  const definition = definitionFor(pinned.env)
  const stackDir = pinned.env.MAILDOCK_STACK_DIR ?? null
  // MailDock builds its images on the shared engine, as `maildock up` does.
  const images = await resolveImages({
    docker: shared,
    definition,
    stackDir,
    packaged: false,
    operation: new Operation('up', name, () => undefined),
  })
  built = images.built
  // Without the secrets in the files: create-secrets.sh reads the password from its environment.
  const exported = exportStack(definition, {
    target: 'swarm',
    images: images.byService,
    stackDir,
    includeSecrets: false,
    swarmPorts: 'host',
    queueType: 'classic',
  })
  for (const file of exported.files) {
    writeFileSync(join(dir, file.path), file.content, { mode: file.secret ? 0o600 : 0o644 })
  }
  engine = await SwarmEngine.start()
  await engine.loadImages([...new Set([...images.byService.values()].map((image) => image.ref))])
  const secrets = await run('sh', ['create-secrets.sh'], {
    env: { ...engine.env, MAILDOCK_BROKER_PASSWORD: brokerPassword },
    cwd: dir,
  })
  if (secrets.code !== 0) throw new Error(`create-secrets.sh failed: ${secrets.stderr}`)
  const deploy = await engine.cli(['stack', 'deploy', '-c', 'stack.yml', name], dir)
  if (deploy.code !== 0) throw new Error(`stack deploy failed: ${deploy.stderr}`)
  const expected = { broker: 1, catcher: 1, logger: 1, api: 1, emailer: 3 }
  for (const [service, count] of Object.entries(expected)) await waitHealthy(service, count)
  apiUrl = `http://127.0.0.1:${await publishedPort('api', 3000)}`
  catcher = new CatcherTestClient(`http://127.0.0.1:${await publishedPort('catcher', 8025)}`)
})

afterAll(async () => {
  await engine?.stop()
  rmSync(dir, { recursive: true, force: true })
  for (const image of built) {
    await shared
      .getImage(image)
      .remove()
      .catch(() => undefined)
  }
  await pinned?.cleanup()
})

describe('swarm export on a swarm engine of its own', () => {
  it('keeps the secrets out of the files and the services', async () => {
    const files = await run('grep', ['-rl', brokerPassword, dir])
    expect(files.stdout).toBe('')
    const [api] = await tasksOf('api')
    const inspected = await engine!.docker.getContainer(api!.Id).inspect()
    expect(JSON.stringify(inspected.Config.Env)).not.toContain(brokerPassword)
    expect(inspected.Config.Env).toContain('AMQP_URL_FILE=/run/secrets/amqp_url')
  })

  it('delivers 1,000 emails once each while an emailer task is killed mid-burst', async () => {
    const ids = Array.from({ length: BURST }, (_, index) => `${name}-${index}`)
    const before = await healthyTasks('emailer')
    const already = await catcher.total()
    let killed = ''
    let killError: unknown
    const accepted = await postMany(
      apiUrl,
      BURST,
      (index) => ({
        key: ids[index] ?? '',
        body: { to: `swarm${index}@example.com`, subject: `swarm ${index}`, text: 'burst' },
      }),
      {
        concurrency: 16,
        onAccepted: (count) => {
          if (count !== KILL_AT) return
          killed = before[0] ?? ''
          engine!.docker
            .getContainer(killed)
            .kill({ signal: 'SIGKILL' })
            .catch((error: unknown) => (killError = error))
        },
      },
    )
    expect(accepted).toHaveLength(BURST)
    const report = await delivered(ids, already, 240_000)
    console.log(
      `swarm: ${accepted.length} accepted, ${report.counts.size} delivered, ${report.missing.length} lost, ${report.duplicated.length} duplicated; emailer task ${killed.slice(0, 12)} SIGKILLed at ${KILL_AT} accepted`,
    )
    expect(killed).not.toBe('')
    expect(killError).toBeUndefined()
    expect(report.missing).toEqual([])
    expect(report.duplicated).toEqual([])
    // Swarm replaced the killed task: three healthy emailers again, the killed one not among them.
    await waitHealthy('emailer', 3, 120_000)
    expect(await healthyTasks('emailer')).not.toContain(killed)
  })

  it('scales the emailer to 5 with docker service scale, and the new tasks deliver', async () => {
    const before = await healthyTasks('emailer')
    const scale = await engine!.cli(['service', 'scale', '--detach', `${name}_emailer=5`])
    expect(scale.code, scale.stderr).toBe(0)
    await waitHealthy('emailer', 5, 180_000)
    const after = await healthyTasks('emailer')
    const added = after.filter((task) => !before.includes(task))
    expect(added).toHaveLength(2)
    const ids = Array.from({ length: AFTER_SCALE }, (_, index) => `${name}-scaled-${index}`)
    const already = await catcher.total()
    await postMany(apiUrl, ids.length, (index) => ({
      key: ids[index] ?? '',
      body: { to: `scaled${index}@example.com`, subject: `scaled ${index}`, text: 'after scale' },
    }))
    const report = await delivered(ids, already, 180_000)
    const counts = await sentBy(after, ids)
    const byNew = added.reduce((sum, task) => sum + (counts.get(task) ?? 0), 0)
    console.log(
      `swarm scale 3 -> 5: ${report.counts.size} of ${ids.length} delivered, ${report.duplicated.length} duplicated; per task ${[...counts.values()].join('/')}, ${byNew} by the 2 new tasks`,
    )
    expect(report.missing).toEqual([])
    expect(report.duplicated).toEqual([])
    expect(byNew).toBeGreaterThan(0)
  })

  it('docker stack rm removes every service, task and network of the stack', async () => {
    const removed = await engine!.cli(['stack', 'rm', name])
    expect(removed.code, removed.stderr).toBe(0)
    await waitFor(
      'the stack to be gone',
      async () => {
        const containers = await engine!.docker.listContainers({
          all: true,
          filters: { label: [`com.docker.stack.namespace=${name}`] },
        })
        const networks = await engine!.docker.listNetworks({
          filters: { label: [`com.docker.stack.namespace=${name}`] },
        })
        return containers.length === 0 && networks.length === 0 ? true : undefined
      },
      120_000,
      1000,
    )
    const services = await engine!.cli(['service', 'ls', '-q'])
    expect(services.stdout.trim()).toBe('')
    // Volumes and secrets outlive `stack rm` by design; removed here as the README says.
    const secrets = await engine!.cli(['secret', 'ls', '-q', '--filter', `name=${name}_`])
    const ids = secrets.stdout.split('\n').filter((id) => id !== '')
    expect(ids.length).toBeGreaterThan(0)
    expect((await engine!.cli(['secret', 'rm', ...ids])).code).toBe(0)
  })

  it('stops its engine and leaves the machine as found (no dockerd, folders, bridges, mounts)', async () => {
    expect(await engine!.traces()).toContain('dockerd')
    await engine!.stop()
    expect(await engine!.traces()).toEqual([])
    // The shared engine is untouched: not in a swarm, its default bridge still there.
    expect((await shared.info()).Swarm.LocalNodeState).toBe('inactive')
    expect((await run('ip', ['link', 'show', 'docker0'])).code).toBe(0)
  })
})
