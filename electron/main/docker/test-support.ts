import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
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
} from '../../../shared/contract'
import { createRouter } from '../router'
import { nodeDiscoveryHost, parseUserAddress, discoverEndpoint } from './discovery'
import { dockerHandlers } from './docker-handlers'
import { EndpointSetting } from './endpoint-setting'
import { EngineMonitor } from './engine'
import { engineHandlers } from './engine-handlers'

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
    channels: { ...engineApi.channels, ...dockerApi.channels },
    events: { ...engineApi.events, ...dockerApi.events },
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
