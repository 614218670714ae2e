import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { connect, createServer, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type Docker from 'dockerode'
import {
  createClient,
  type ErrorPayload,
  type EventData,
  type EventInput,
  type EventName,
  type MaildockClient,
} from '../../shared/contract'
import type { ChannelHandlers, EventHandlers } from '../../electron/main/lib/handlers'
import { createRouter } from '../../electron/main/router'
import {
  nodeDiscoveryHost,
  parseUserAddress,
  discoverEndpoint,
} from '../../electron/main/docker/discovery'
import { dockerHandlers } from '../../electron/main/docker/docker-handlers'
import { EndpointSetting } from '../../electron/main/docker/endpoint-setting'
import { EngineMonitor } from '../../electron/main/docker/engine'
import { engineHandlers } from '../../electron/main/docker/engine-handlers'
import { engineCall } from '../../electron/main/docker/errors'

/* Helpers for the integration tests: the docker handlers behind a real router, on the real engine. */

const run = promisify(execFile)

/** Labels every test resource carries; the suite label lets cleanup leave other runs alone. */
export function testLabels(suite: string): Record<string, string> {
  return { 'maildock.test': '1', 'maildock.test.suite': suite }
}

export const uniqueSuite = (name: string): string =>
  `${name}-${process.pid}-${Date.now().toString(36)}`

/** An image every machine here has; the Debian base the image scripts build. */
export const BASE_IMAGE = process.env.MAILDOCK_TEST_IMAGE ?? 'maildock/debian-base:local'

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 256 * 1024 * 1024 })
  return stdout.trim()
}

export interface Harness {
  client: MaildockClient
  engine: EngineMonitor
  dataDir: string
  close(): Promise<void>
}

/** Engine monitor + docker handlers + router, on `address` or the endpoint discovery finds. */
export async function startHarness(address?: string): Promise<Harness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'maildock-int-'))
  const discovery = nodeDiscoveryHost()
  const endpoint = address ? parseUserAddress(address) : discoverEndpoint(discovery)
  const engine = new EngineMonitor(endpoint)
  await engine.probe()
  const setting = EndpointSetting.inDataDir(dataDir)
  const engineApi = engineHandlers(engine)
  const dockerApi = dockerHandlers({ engine, discovery, setting })
  const router = createRouter({
    // Only the engine and docker domains: the router looks handlers up by name at call time.
    channels: { ...engineApi.channels, ...dockerApi.channels } as ChannelHandlers,
    events: { ...engineApi.events, ...dockerApi.events } as EventHandlers,
    isTrustedSender: () => true,
  })
  const ctx = { sender: { url: 'test://', isMainFrame: true } }
  const client = createClient({
    call: (channel, input) => router.call(channel, input, ctx),
    subscribe: (event, input, onMessage) => router.subscribe(event, input, ctx, onMessage),
  })
  return {
    client,
    engine,
    dataDir,
    close() {
      engine.close()
      rmSync(dataDir, { recursive: true, force: true })
      return Promise.resolve()
    },
  }
}

export interface Subscription<E extends EventName> {
  data: Array<EventData<E>>
  /** Resolves when the stream ends; rejects with its error payload. */
  finished: Promise<Array<EventData<E>>>
  stop(): void
  /** Resolves once some received data passes the test. */
  until(test: (data: EventData<E>) => boolean, timeoutMs?: number): Promise<EventData<E>>
}

export function subscribe<E extends EventName>(
  client: MaildockClient,
  event: E,
  input: EventInput<E>,
): Subscription<E> {
  const data: Array<EventData<E>> = []
  const waiters: Array<() => void> = []
  let settle: { resolve: () => void; reject: (e: ErrorPayload) => void } | undefined
  const finished = new Promise<Array<EventData<E>>>((resolve, reject) => {
    settle = { resolve: () => resolve(data), reject }
  })
  finished.catch(() => undefined)
  const stop = client.subscribe(event, input, {
    data: (item) => {
      data.push(item)
      waiters.splice(0).forEach((wake) => wake())
    },
    error: (error) => settle?.reject(error),
    end: () => settle?.resolve(),
  })
  const until = (test: (d: EventData<E>) => boolean, timeoutMs = 10_000) =>
    new Promise<EventData<E>>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${event}: nothing matched within ${timeoutMs} ms`)),
        timeoutMs,
      )
      const check = (): void => {
        const hit = data.find(test)
        if (hit) {
          clearTimeout(timer)
          resolve(hit)
        } else waiters.push(check)
      }
      check()
    })
  return { data, finished, stop, until }
}

/** Removes everything this suite labelled: containers (with volumes), then networks, volumes, images. */
export async function cleanupSuite(client: Docker, suite: string): Promise<void> {
  const filters = { label: [`maildock.test.suite=${suite}`] }
  const containers = await client.listContainers({ all: true, filters })
  await Promise.all(
    containers.map((c) =>
      client
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch(() => undefined),
    ),
  )
  const networks = await client.listNetworks({ filters })
  await Promise.all(
    networks.map((n) =>
      client
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined),
    ),
  )
  const volumes = await client.listVolumes({ filters })
  await Promise.all(
    (volumes.Volumes ?? []).map((v) =>
      client
        .getVolume(v.Name)
        .remove({ force: true })
        .catch(() => undefined),
    ),
  )
  const images = await client.listImages({ all: true, filters })
  for (const image of images) {
    await client
      .getImage(image.Id)
      .remove({ force: true })
      .catch(() => undefined)
  }
}

export interface TestContainer {
  image: string
  name: string
  command?: string[]
  env?: Record<string, string>
  labels: Record<string, string>
  /** Published on 127.0.0.1 on a port the engine picks. */
  ports?: number[]
  /** Named volumes only. */
  mounts?: Array<{ source: string; destination: string }>
}

/** Creates and starts a container for a test (the app has no channel for this); engine errors as contract errors. */
export async function createTestContainer(client: Docker, spec: TestContainer): Promise<string> {
  const ports = (spec.ports ?? []).map((port) => `${port}/tcp`)
  const container = await engineCall(() =>
    client.createContainer({
      Image: spec.image,
      name: spec.name,
      ...(spec.command ? { Cmd: spec.command } : {}),
      Env: Object.entries(spec.env ?? {}).map(([k, v]) => `${k}=${v}`),
      Labels: spec.labels,
      ExposedPorts: Object.fromEntries(ports.map((key) => [key, {}])),
      HostConfig: {
        PortBindings: Object.fromEntries(
          ports.map((key) => [key, [{ HostIp: '127.0.0.1', HostPort: '' }]]),
        ),
        Mounts: (spec.mounts ?? []).map((m) => ({
          Type: 'volume' as const,
          Source: m.source,
          Target: m.destination,
        })),
      },
    }),
  )
  await engineCall(() => container.start())
  return container.id
}

/** A container that stops promptly on SIGTERM (sh traps it) and otherwise idles. */
export const IDLE_COMMAND = ['sh', '-c', 'trap "exit 0" TERM; while :; do sleep 0.2; done']

export async function waitFor(
  test: () => Promise<boolean> | boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await test()) return
    await new Promise((r) => setTimeout(r, 50))
  }
  throw new Error(`Timed out waiting for ${what}`)
}

/** A free TCP port below 32768 on 127.0.0.1 (the ephemeral range above is busy here). */
export async function freeLowPort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000)
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer()
      server.once('error', () => resolve(false))
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)))
    })
    if (free) return port
  }
  throw new Error('No free port below 32768')
}

export interface Registry {
  /** host:port, as used in image references. */
  address: string
  stop(): Promise<void>
}

/** Debian's docker-registry on 127.0.0.1 (the engine treats 127.0.0.0/8 registries as insecure). */
export async function startRegistry(): Promise<Registry> {
  const dir = mkdtempSync(join(tmpdir(), 'maildock-registry-'))
  const port = await freeLowPort()
  const config = join(dir, 'config.yml')
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  )
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { stdio: 'ignore' })
  const address = `127.0.0.1:${port}`
  await waitFor(
    async () => {
      try {
        return (await fetch(`http://${address}/v2/`)).ok
      } catch {
        return false
      }
    },
    15_000,
    'the registry to answer',
  )
  return {
    address,
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await exited
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export interface Proxy {
  /** Where to connect: a port on 127.0.0.1 or a unix socket path. */
  listen: number | string
  /** Connections open right now, and bytes carried from the target to clients so far. */
  stats(): { open: number; bytesDown: number }
  /** Stops listening and cuts every connection (the engine "goes away"). */
  stop(): Promise<void>
}

/**
 * A TCP/unix proxy for fault and cancellation tests: optionally slows the target's answers to
 * `bytesPerSecond`, and can be stopped to cut every connection at once.
 */
export async function startProxy(options: {
  listen: number | string
  target: number | string
  bytesPerSecond?: number
}): Promise<Proxy> {
  const sockets = new Set<Socket>()
  let bytesDown = 0
  const server = createServer((client) => {
    const upstream =
      typeof options.target === 'number'
        ? connect(options.target, '127.0.0.1')
        : connect(options.target)
    sockets.add(client)
    sockets.add(upstream)
    const close = (): void => {
      client.destroy()
      upstream.destroy()
      sockets.delete(client)
      sockets.delete(upstream)
    }
    client.on('error', close).on('close', close)
    upstream.on('error', close).on('close', close)
    client.pipe(upstream)
    const rate = options.bytesPerSecond
    upstream.on('data', (chunk: Buffer) => {
      bytesDown += chunk.length
      if (!rate) {
        client.write(chunk)
        return
      }
      upstream.pause()
      client.write(chunk)
      setTimeout(() => upstream.resume(), (chunk.length / rate) * 1000)
    })
  })
  await new Promise<void>((resolve) => {
    if (typeof options.listen === 'number') server.listen(options.listen, '127.0.0.1', resolve)
    else server.listen(options.listen, resolve)
  })
  return {
    listen: options.listen,
    stats: () => ({ open: sockets.size / 2, bytesDown }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy()
        sockets.clear()
        server.close(() => resolve())
      }),
  }
}
