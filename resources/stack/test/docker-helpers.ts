// Small dockerode helpers for the stack's integration tests.
import { PassThrough } from 'node:stream'
import type Docker from 'dockerode'

export const TEST_LABEL = 'maildock.test'

/** Image names come from the environment, defaulting to the locally built stand-ins. */
export function testImages(env: NodeJS.ProcessEnv = process.env) {
  return {
    node: env.MAILDOCK_NODE_IMAGE ?? 'maildock/node:local',
    broker: env.MAILDOCK_BROKER_IMAGE ?? 'maildock/rabbitmq:local',
    catcher: env.MAILDOCK_CATCHER_IMAGE ?? 'maildock/catcher:local',
  }
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/** Polls `check` until it returns a value other than undefined, or throws after timeoutMs. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs: number,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let lastError: unknown
  while (Date.now() < deadline) {
    try {
      const value = await check()
      if (value !== undefined) return value
    } catch (error) {
      lastError = error
    }
    await delay(intervalMs)
  }
  const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : ''
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${detail}`)
}

/** The 127.0.0.1 port Docker picked for a published container port (it changes on restart). */
export async function hostPort(container: Docker.Container, port: string): Promise<number> {
  const info = await container.inspect()
  const binding = info.NetworkSettings.Ports[port]?.[0]
  if (binding === undefined) throw new Error(`${info.Name}: ${port} is not published`)
  return Number(binding.HostPort)
}

export async function waitHealthy(container: Docker.Container, timeoutMs = 180_000): Promise<void> {
  await waitFor(
    `${container.id.slice(0, 12)} to be healthy`,
    async () => {
      const state = (await container.inspect()).State
      if (!state.Running) throw new Error(`exited with ${state.ExitCode}`)
      return state.Health?.Status === 'healthy' ? true : undefined
    },
    timeoutMs,
  )
}

/** Runs a command in the container and returns its stdout (throws with stderr on failure). */
export async function execText(container: Docker.Container, command: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: command, AttachStdout: true, AttachStderr: true })
  const stream = await exec.start({ hijack: true, stdin: false })
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (chunk: Buffer) => out.push(chunk))
  stderr.on('data', (chunk: Buffer) => err.push(chunk))
  const modem = container.modem as { demuxStream: (...streams: NodeJS.ReadWriteStream[]) => void }
  modem.demuxStream(stream as NodeJS.ReadWriteStream, stdout, stderr)
  await new Promise<void>((resolve, reject) => {
    stream.on('end', () => resolve())
    stream.on('error', reject)
  })
  const { ExitCode } = await exec.inspect()
  if (ExitCode !== 0) {
    throw new Error(`${command.join(' ')} exited ${ExitCode}: ${Buffer.concat(err).toString()}`)
  }
  return Buffer.concat(out).toString('utf8')
}

/** The container's stdout and stderr so far, as text (for failure messages). */
export async function containerLogs(container: Docker.Container, tail = 200): Promise<string> {
  const raw = await container.logs({ stdout: true, stderr: true, tail, follow: false })
  return demuxFrames(raw)
}

/** Docker's multiplexed log frames: an 8-byte header (stream, 0, 0, 0, size BE) then data. */
function demuxFrames(raw: Buffer): string {
  const parts: Buffer[] = []
  let offset = 0
  while (offset + 8 <= raw.length) {
    const size = raw.readUInt32BE(offset + 4)
    parts.push(raw.subarray(offset + 8, offset + 8 + size))
    offset += 8 + size
  }
  return Buffer.concat(parts).toString('utf8')
}

/** Removes every container, network, volume and image carrying `label=value`. */
export async function removeLabelled(docker: Docker, label: string, value: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${label}=${value}`] })
  for (const info of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(info.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined)
  }
  for (const info of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(info.Id)
      .remove()
      .catch(() => undefined)
  }
  const volumes = await docker.listVolumes({ filters })
  for (const info of volumes.Volumes ?? []) {
    await docker
      .getVolume(info.Name)
      .remove()
      .catch(() => undefined)
  }
  for (const info of await docker.listImages({ filters })) {
    await docker
      .getImage(info.Id)
      .remove({ force: true })
      .catch(() => undefined)
  }
}
