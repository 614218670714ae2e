// Helpers for the stack's integration tests (real engine, local images, throw-away stacks).
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync } from 'node:fs'
import { cp, mkdir } from 'node:fs/promises'
import { createServer, connect, type Server, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import Docker from 'dockerode'
import type { Endpoint, StackStatus } from '../../shared/contract'
import { EngineMonitor } from '../../electron/main/docker/engine'
import { FileSecretStore } from '../../electron/main/settings/secrets'
import { LABELS } from '../../shared/labels'
import { StackManager } from '../../electron/main/stack/manager'
import { bundle, locateStackDir } from '../../electron/main/stack/sources'

export const ENGINE_SOCKET = '/var/run/docker.sock'

/** A stack name no other run uses. */
export const uniqueStackName = (prefix = 'mdt'): string =>
  `${prefix}-${randomBytes(3).toString('hex')}`

export interface PinnedInputs {
  /** Image settings and MAILDOCK_STACK_DIR pointing at the copies. */
  env: NodeJS.ProcessEnv
  cleanup(): Promise<void>
}

/**
 * Freezes what a test stack is built from, so other work on this machine (sources edited, local
 * images rebuilt) cannot change it mid-test: the three images get a tag of their own, and the
 * services' Dockerfiles and bundles are copied.
 */
export async function pinTestInputs(docker: Docker, run: string): Promise<PinnedInputs> {
  const env: NodeJS.ProcessEnv = {}
  const tags: string[] = []
  const holders: string[] = []
  for (const [variable, role] of [
    ['MAILDOCK_NODE_IMAGE', 'node'],
    ['MAILDOCK_BROKER_IMAGE', 'broker'],
    ['MAILDOCK_CATCHER_IMAGE', 'catcher'],
  ] as const) {
    const source = process.env[variable]
    if (!source) throw new Error(`${variable} is not set (test/global-setup.ts sets it)`)
    const pinned = `maildock-stack-test/pinned-${role}:${run}`
    await docker.getImage(source).tag({ repo: `maildock-stack-test/pinned-${role}`, tag: run })
    // A container that is never started keeps `docker image rm <id>` (a rebuild's clean-up)
    // from deleting the pinned image when its original tag moves on.
    const holder = await docker.createContainer({
      Image: pinned,
      Cmd: ['true'],
      Labels: { 'maildock.test': '1' },
    })
    holders.push(holder.id)
    tags.push(pinned)
    env[variable] = pinned
  }
  const stackDir = locateStackDir()
  if (stackDir === null) throw new Error('resources/stack not found')
  const services = ['api', 'emailer', 'logger'] as const
  const unbundled = services.filter((s) => !existsSync(join(stackDir, s, 'dist', 'index.js')))
  if (unbundled.length > 0) await bundle(stackDir, unbundled, { packaged: false })
  const copy = mkdtempSync(join(tmpdir(), 'maildock-stack-src-'))
  for (const service of services) {
    await mkdir(join(copy, service), { recursive: true })
    await cp(join(stackDir, service, 'Dockerfile'), join(copy, service, 'Dockerfile'))
    await cp(join(stackDir, service, 'dist'), join(copy, service, 'dist'), { recursive: true })
  }
  env.MAILDOCK_STACK_DIR = copy
  return {
    env,
    async cleanup() {
      for (const id of holders) {
        await docker
          .getContainer(id)
          .remove({ force: true })
          .catch(() => undefined)
      }
      for (const tag of tags)
        await docker
          .getImage(tag)
          .remove()
          .catch(() => undefined)
    },
  }
}

/** Settings for a test stack: the test images, every port picked by the engine, test labels. */
export function stackEnv(stack: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    MAILDOCK_STACK_NAME: stack,
    MAILDOCK_NODE_IMAGE: process.env.MAILDOCK_NODE_IMAGE,
    MAILDOCK_BROKER_IMAGE: process.env.MAILDOCK_BROKER_IMAGE,
    MAILDOCK_CATCHER_IMAGE: process.env.MAILDOCK_CATCHER_IMAGE,
    MAILDOCK_API_PORT: '0',
    MAILDOCK_BROKER_PORT: '0',
    MAILDOCK_BROKER_UI_PORT: '0',
    MAILDOCK_CATCHER_UI_PORT: '0',
    MAILDOCK_STACK_LABELS: 'maildock.test=1',
    MAILDOCK_HEALTH_TIMEOUT: '150',
    ...extra,
  }
}

export interface TestStack {
  manager: StackManager
  engine: EngineMonitor
  dataDir: string
  close(): void
}

export async function openStack(
  env: NodeJS.ProcessEnv,
  options: { dataDir?: string; endpoint?: Endpoint } = {},
): Promise<TestStack> {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'maildock-stack-'))
  const endpoint = options.endpoint ?? {
    kind: 'socket',
    address: `unix://${ENGINE_SOCKET}`,
    source: 'test',
  }
  const engine = new EngineMonitor(endpoint)
  await engine.probe()
  const manager = new StackManager({
    engine,
    env: { ...env, MAILDOCK_DATA_DIR: dataDir },
    dataDir,
    secrets: FileSecretStore.inDataDir(dataDir),
  })
  return { manager, engine, dataDir, close: () => engine.close() }
}

/** Everything labelled with the stack, removed by force (test clean-up, whatever state it is in). */
export async function removeStack(docker: Docker, stack: string): Promise<void> {
  const filters = { label: [`${LABELS.stack}=${stack}`] }
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined)
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined)
  }
  for (const v of (await docker.listVolumes({ filters })).Volumes ?? []) {
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined)
  }
}

export async function stackResources(docker: Docker, stack: string) {
  const filters = { label: [`${LABELS.stack}=${stack}`] }
  const [containers, networks, volumes] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listNetworks({ filters }),
    docker.listVolumes({ filters }),
  ])
  return {
    containers: containers
      .map((c) => ({
        name: (c.Names[0] ?? '').replace(/^\//, ''),
        service: c.Labels[LABELS.service] ?? '',
        state: c.State,
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    networks: networks.map((n) => n.Name).sort(),
    volumes: (volumes.Volumes ?? []).map((v) => v.Name).sort(),
  }
}

/** The host URL of a published port in a status. */
export function publishedUrl(status: StackStatus, service: string, containerPort: number): string {
  const port = status.services
    .find((s) => s.service === service)
    ?.instances.flatMap((i) => i.ports)
    .find((p) => p.containerPort === containerPort)?.hostPort
  if (port === undefined || port === null)
    throw new Error(`${service}:${containerPort} is not published`)
  return `http://127.0.0.1:${port}`
}

export async function postEmail(
  apiUrl: string,
  subject: string,
  to = 'someone@example.com',
): Promise<string> {
  const response = await fetch(`${apiUrl}/emails`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ to, subject, text: `body of ${subject}` }),
  })
  const body = (await response.json()) as { id?: string }
  if (response.status !== 202 || body.id === undefined) {
    throw new Error(`POST /emails answered ${response.status}: ${JSON.stringify(body)}`)
  }
  return body.id
}

/** Polls the catcher's Mailpit API until a message with this subject is there. */
export async function waitForMessage(catcherUrl: string, subject: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const response = await fetch(`${catcherUrl}/api/v1/messages?limit=500`)
    const page = (await response.json()) as {
      messages: Array<{ Subject: string; To: Array<{ Address: string }> | null }>
    }
    const found = page.messages.find((m) => m.Subject === subject)
    if (found) return found
    if (Date.now() > deadline) throw new Error(`no message "${subject}" at ${catcherUrl}`)
    await sleep(250)
  }
}

/** Consumers on the emailer's queue, from the broker's management API. */
export async function emailerConsumers(managementUrl: string, password: string): Promise<number> {
  const response = await fetch(`${managementUrl}/api/queues/%2F/maildock.emailer`, {
    headers: { authorization: `Basic ${Buffer.from(`maildock:${password}`).toString('base64')}` },
  })
  if (!response.ok) throw new Error(`management API answered ${response.status}`)
  return ((await response.json()) as { consumers: number }).consumers
}

export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: unknown
  for (;;) {
    try {
      const value = await probe()
      if (value !== undefined) return value
    } catch (error) {
      last = error
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last)}`)
    await sleep(250)
  }
}

/** A unix socket that forwards to the engine and can be cut, as if the engine went away. */
export class EngineProxy {
  private server: Server | undefined
  private readonly sockets = new Set<Socket>()

  constructor(readonly path: string) {}

  get endpoint(): Endpoint {
    return { kind: 'socket', address: `unix://${this.path}`, source: 'test proxy' }
  }

  start(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(ENGINE_SOCKET)
      this.sockets.add(client).add(upstream)
      const drop = (): void => {
        client.destroy()
        upstream.destroy()
        this.sockets.delete(client)
        this.sockets.delete(upstream)
      }
      client.on('error', drop).on('close', drop)
      upstream.on('error', drop).on('close', drop)
      client.pipe(upstream).pipe(client)
    })
    this.server = server
    return new Promise((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.path, () => resolve())
    })
  }

  /** Refuses new connections and breaks the open ones. */
  cut(): Promise<void> {
    for (const socket of this.sockets) socket.destroy()
    this.sockets.clear()
    const server = this.server
    this.server = undefined
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()))
  }
}

/**
 * Resolves when `count` containers with the label are running and healthy, re-checking on each of
 * their health events (no polling): how the compose side of the tests and the bench waits.
 */
export async function waitLabelledHealthy(
  docker: Docker,
  label: string,
  count: number,
  timeoutMs = 180_000,
): Promise<void> {
  const events = (await docker.getEvents({
    filters: { label: [label], event: ['health_status', 'start'] },
  })) as unknown as NodeJS.ReadableStream & { destroy(): void }
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`not ${count} healthy ${label} in time`)),
        timeoutMs,
      )
      let checking = Promise.resolve()
      const check = (): void => {
        checking = checking.then(async () => {
          const list = await docker.listContainers({ all: true, filters: { label: [label] } })
          const healthy = list.filter(
            (c) => c.State === 'running' && c.Status.includes('(healthy)'),
          )
          if (healthy.length >= count) {
            clearTimeout(timer)
            resolve()
          }
        }, reject)
      }
      events.on('data', check)
      events.on('error', reject)
      check()
    })
  } finally {
    events.destroy()
  }
}
