// The swarm export, deployed on a real swarm: a dockerd of this test's own (the shared engine is
// never put into swarm mode), the images MailDock built copied into it, `docker stack deploy`
// with 3 emailer replicas. 1,000 emails POSTed with an emailer task killed mid-burst all arrive
// once; `docker service scale` to 5 works; `docker stack rm` removes it; the engine goes away.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postMany } from '../../../resources/stack/test/api-client'
import { CatcherClient } from '../../../resources/stack/test/catcher-client'
import { waitFor } from '../../../resources/stack/test/docker-helpers'
import { waitForDelivery } from '../../../resources/stack/test/expectations'
import { run, SwarmEngine } from '../../../test/swarm-engine'
import { writeExportFiles } from '../cli/export-command'
import { exportStack } from './export'
import { defineStack, type StackDefinition } from './definition'
import { resolveImages } from './images'
import { Operation } from './operation'
import { settingsWith } from '../../../test/support/stack-fixtures'
import { pinTestInputs, uniqueStackName, type PinnedInputs } from '../../../test/support/stack'

const BURST = 1_000
const shared = new Docker()
const name = uniqueStackName('mdsw')
const dir = mkdtempSync(join(tmpdir(), 'maildock-swarm-'))
let engine: SwarmEngine | undefined
let pinned: PinnedInputs | undefined
let built: string[] = []
let apiUrl = ''
let catcher = new CatcherClient('')

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
  const credentials = {
    brokerUser: 'maildock',
    brokerPassword: randomBytes(16).toString('hex'),
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

async function healthyTasks(service: string): Promise<number> {
  const tasks = await tasksOf(service)
  return tasks.filter((task) => / \(healthy\)$/.test(task.Status)).length
}

async function publishedPort(service: string, containerPort: number): Promise<number> {
  const [task] = await tasksOf(service)
  const port = task?.Ports.find((p) => p.PrivatePort === containerPort)?.PublicPort
  if (port === undefined) throw new Error(`${service}:${containerPort} is not published`)
  return port
}

async function deployed(): Promise<void> {
  const expected = { broker: 1, api: 1, emailer: 3, logger: 1, catcher: 1 }
  for (const [service, count] of Object.entries(expected)) {
    await waitFor(
      `${count} healthy ${service} task(s)`,
      async () => ((await healthyTasks(service)) >= count ? true : undefined),
      240_000,
      1000,
    )
  }
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
    operation: new Operation('up', name, () => undefined),
  })
  built = images.built
  const exported = exportStack(definition, {
    target: 'swarm',
    images: images.byService,
    stackDir,
    includeSecrets: true,
    swarmPorts: 'host',
    queueType: 'classic',
  })
  await writeExportFiles(dir, exported.files)
  engine = await SwarmEngine.start()
  await engine.loadImages([...new Set([...images.byService.values()].map((image) => image.ref))])
  const secrets = await run('sh', ['create-secrets.sh'], { env: engine.env, cwd: dir })
  if (secrets.code !== 0) throw new Error(`create-secrets.sh failed: ${secrets.stderr}`)
  const deploy = await engine.cli(['stack', 'deploy', '-c', 'stack.yml', name], dir)
  if (deploy.code !== 0) throw new Error(`stack deploy failed: ${deploy.stderr}`)
  await deployed()
  apiUrl = `http://127.0.0.1:${await publishedPort('api', 3000)}`
  catcher = new CatcherClient(`http://127.0.0.1:${await publishedPort('catcher', 8025)}`)
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

async function serviceLogs(): Promise<string> {
  const logs = await engine?.cli(['service', 'logs', '--tail', '30', `${name}_emailer`])
  return `${logs?.stdout ?? ''}${logs?.stderr ?? ''}`
}

describe('swarm export on a swarm engine of its own', () => {
  it('delivers 1,000 emails once each while an emailer task is killed mid-burst', async () => {
    const ids = Array.from({ length: BURST }, (_, index) => `${name}-${index}`)
    let killed = ''
    const burst = postMany(
      apiUrl,
      BURST,
      (index) => ({
        key: ids[index] ?? '',
        body: { to: `swarm${index}@example.com`, subject: `swarm ${index}`, text: 'burst' },
      }),
      {
        concurrency: 16,
        onAccepted: (accepted) => {
          if (accepted !== 300) return
          void tasksOf('emailer').then(async ([task]) => {
            if (task === undefined) return
            killed = task.Id
            await engine!.docker.getContainer(task.Id).kill({ signal: 'SIGKILL' })
          })
        },
      },
    )
    const accepted = await burst
    expect(accepted).toHaveLength(BURST)
    const report = await waitForDelivery(() => catcher, ids, 240_000)
    console.log(
      `swarm: ${BURST} accepted, ${report.counts.size} delivered, ${report.missing.length} lost, ${report.duplicated.length} duplicated; emailer task ${killed.slice(0, 12)} killed at 300`,
    )
    if (report.missing.length > 0) console.log(await serviceLogs())
    expect(killed).not.toBe('')
    expect(report.missing).toEqual([])
    expect(report.duplicated).toEqual([])
    // Swarm replaced the killed task: three emailers run again.
    await waitFor(
      'swarm to restart the killed emailer task',
      async () => ((await healthyTasks('emailer')) >= 3 ? true : undefined),
      120_000,
      1000,
    )
    const running = await tasksOf('emailer')
    expect(running.map((task) => task.Id)).not.toContain(killed)
  })

  it('scales the emailer to 5 with docker service scale, and the new tasks deliver', async () => {
    const scale = await engine!.cli(['service', 'scale', '--detach', `${name}_emailer=5`])
    expect(scale.code, scale.stderr).toBe(0)
    await waitFor(
      '5 healthy emailer tasks',
      async () => ((await healthyTasks('emailer')) === 5 ? true : undefined),
      180_000,
      1000,
    )
    const ids = Array.from({ length: 100 }, (_, index) => `${name}-scaled-${index}`)
    await postMany(apiUrl, ids.length, (index) => ({
      key: ids[index] ?? '',
      body: { to: `scaled${index}@example.com`, subject: `scaled ${index}`, text: 'after scale' },
    }))
    const report = await waitForDelivery(() => catcher, ids, 120_000)
    expect(report.missing).toEqual([])
    expect(report.duplicated).toEqual([])
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
})
