// The SMTP server the mail-stack benchmark delivers to for its goal figures: Postfix's smtp-sink, a
// C test server that takes each message and writes it to a file in memory, nothing more. The app's
// catcher (Mailpit) also parses, stores and indexes every message: about 0.4 ms of CPU per email,
// a fifth of the whole stack's on a 2-core machine, so a pipeline bound for it measures the catcher.
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { createServer, connect, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { waitFor } from '../resources/stack/test/docker-helpers'
import { processCpuSeconds } from './stack-cpu'

const SMTP_SINK = '/usr/sbin/smtp-sink'
const MESSAGE_ID = /^Message-ID:[ \t]*<([^@>\r\n]+)@/im

/** One message the sink took: the email id in its Message-ID and when its file was written. */
export interface Arrival {
  emailId: string | undefined
  at: number
}

export interface PostfixSink {
  /** Where containers reach it: the gateway of Docker's default bridge (this host). */
  host: string
  port: number
  /** `host:port`, as smtp-source takes it. */
  address: string
  taken(): number
  arrivals(): Arrival[]
  clear(): void
  cpuSeconds(): number
  stop(): void
}

/**
 * The host's address on Docker's default bridge, which every container can reach. A fresh engine
 * may list only the bridge's subnet; its gateway is then the subnet's first address (Docker's
 * default, as docker0 shows).
 */
async function bridgeGateway(): Promise<string> {
  const bridge = await new Docker().getNetwork('bridge').inspect()
  const configs =
    (bridge as { IPAM?: { Config?: Array<{ Gateway?: string; Subnet?: string }> } }).IPAM?.Config ??
    []
  const gateway = configs.find((config) => config.Gateway !== undefined)?.Gateway
  if (gateway !== undefined) return gateway
  const subnet = configs.find((config) => /^\d+\.\d+\.\d+\.0\/\d+$/.test(config.Subnet ?? ''))
  if (subnet?.Subnet === undefined) throw new Error("Docker's bridge network has no IPv4 address")
  return subnet.Subnet.replace(/\.0\/\d+$/, '.1')
}

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const { port } = server.address() as AddressInfo
      server.close(() => resolve(port))
    })
  })
}

function accepts(host: string, port: number): Promise<true | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, host)
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(undefined))
  })
}

/** Starts smtp-sink on the bridge gateway (reachable from this host and its containers only). */
export async function startPostfixSink(): Promise<PostfixSink> {
  if (!existsSync(SMTP_SINK)) {
    throw new Error(
      `${SMTP_SINK} is missing (Debian package postfix): run scripts/setup-machine.sh`,
    )
  }
  const host = await bridgeGateway()
  const port = await freePort(host)
  const dir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'maildock-sink-'))
  // As root it must be told whose privileges to run with; it needs to write `dir`.
  const user = process.getuid?.() === 0 ? ['-u', 'root'] : []
  const child = spawn(SMTP_SINK, [...user, '-d', `${dir}/%H%M%S.`, `${host}:${port}`, '256'], {
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`smtp-sink exited (${code})`))),
  )
  exited.catch(() => undefined)
  await Promise.race([
    waitFor('smtp-sink to listen', () => accepts(host, port), 10_000, 50),
    exited,
  ])
  const files = () => readdirSync(dir)
  return {
    host,
    port,
    address: `${host}:${port}`,
    taken: () => files().length,
    arrivals: () =>
      files().map((name) => {
        const path = join(dir, name)
        return {
          emailId: MESSAGE_ID.exec(readFileSync(path, 'latin1'))?.[1],
          at: statSync(path).mtimeMs,
        }
      }),
    clear: () => {
      for (const name of files()) rmSync(join(dir, name))
    },
    cpuSeconds: () => {
      try {
        return child.pid === undefined ? 0 : processCpuSeconds(child.pid)
      } catch {
        return 0
      }
    },
    stop: () => {
      child.kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
