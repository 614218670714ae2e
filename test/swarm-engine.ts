// A Docker engine of the test's own, in swarm mode: a second dockerd with its own socket, data
// root, exec root, pid file and default bridge, no iptables rules (the shared engine's chains stay
// untouched), address pools that do not overlap the shared engine's. The shared engine at
// /var/run/docker.sock is never put into swarm mode. `stop()` leaves the machine as found.
import { spawn, execFile, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { setTimeout as sleep } from 'node:timers/promises'
import Docker from 'dockerode'

export interface CommandResult {
  code: number
  stdout: string
  stderr: string
}

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      {
        env: { ...process.env, ...options.env },
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : Number(error.code ?? 1), stdout, stderr }),
    )
  })
}

const GWBRIDGE = 'docker_gwbridge'
// Address pools in 10.213-215/16: the shared engine uses 172.17-31/16 and 192.168/16.
const BRIDGE_ADDRESS = '10.215.0.1/24'

async function mustRun(command: string, args: string[]): Promise<void> {
  const result = await run(command, args)
  if (result.code !== 0) throw new Error(`${command} ${args.join(' ')}: ${result.stderr}`)
}

function daemonArgs(socket: string, dirs: { run: string; data: string }, bridge: string) {
  return [
    `--host=unix://${socket}`,
    `--data-root=${dirs.data}/docker`,
    `--exec-root=${dirs.run}/exec`,
    `--pidfile=${dirs.run}/docker.pid`,
    `--bridge=${bridge}`,
    '--iptables=false',
    '--ip-masq=false',
    // Ports published on its own default bridge listen on loopback only.
    '--ip=127.0.0.1',
    '--default-address-pool=base=10.213.0.0/16,size=24',
  ]
}

async function linkExists(name: string): Promise<boolean> {
  return (await run('ip', ['link', 'show', name])).code === 0
}

export class SwarmEngine {
  readonly docker: Docker
  private constructor(
    readonly id: string,
    readonly socket: string,
    private readonly dirs: { run: string; data: string; bridge: string },
    private readonly daemon: ChildProcess,
    private readonly log: string[],
  ) {
    this.docker = new Docker({ socketPath: socket })
  }

  /** DOCKER_HOST for the docker CLI (stack deploy, secret create, service scale). */
  get env(): NodeJS.ProcessEnv {
    return { DOCKER_HOST: `unix://${this.socket}` }
  }

  static async start(): Promise<SwarmEngine> {
    if (await linkExists(GWBRIDGE)) {
      throw new Error(
        `${GWBRIDGE} exists already: another swarm engine runs here; not starting one`,
      )
    }
    const id = randomBytes(3).toString('hex')
    const dirs = { run: `/run/maildock-swarm-${id}`, data: `/var/lib/maildock-swarm-${id}` }
    await mkdir(dirs.run, { recursive: true })
    await mkdir(dirs.data, { recursive: true })
    // A default bridge of its own: with --bridge=none dockerd deletes the link `docker0`, the
    // shared engine's default bridge.
    const bridge = `mdsw${id}`
    await mustRun('ip', ['link', 'add', 'name', bridge, 'type', 'bridge'])
    await mustRun('ip', ['addr', 'add', BRIDGE_ADDRESS, 'dev', bridge])
    const socket = `${dirs.run}/docker.sock`
    const log: string[] = []
    const daemon = spawn('dockerd', daemonArgs(socket, dirs, bridge), {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const keep = (chunk: Buffer) => {
      log.push(chunk.toString())
      if (log.length > 200) log.shift()
    }
    daemon.stdout?.on('data', keep)
    daemon.stderr?.on('data', keep)
    const engine = new SwarmEngine(id, socket, { ...dirs, bridge }, daemon, log)
    try {
      await engine.waitReady()
      await engine.initSwarm()
    } catch (error) {
      await engine.stop()
      throw error
    }
    return engine
  }

  private async initSwarm(): Promise<void> {
    // Made before `swarm init` so swarm takes it as is: host-mode ports publish through this
    // bridge, and its host binding keeps them on loopback (dockerd's --ip covers only its own
    // default bridge).
    const gateway = await this.cli([
      'network',
      'create',
      '--driver=bridge',
      `--opt=com.docker.network.bridge.name=${GWBRIDGE}`,
      '--opt=com.docker.network.bridge.enable_icc=false',
      '--opt=com.docker.network.bridge.enable_ip_masquerade=false',
      '--opt=com.docker.network.bridge.host_binding_ipv4=127.0.0.1',
      GWBRIDGE,
    ])
    if (gateway.code !== 0) throw new Error(`creating ${GWBRIDGE} failed: ${gateway.stderr}`)
    const port = 20_000 + Math.floor(Math.random() * 10_000)
    const init = await this.cli([
      'swarm',
      'init',
      '--advertise-addr=127.0.0.1',
      `--listen-addr=127.0.0.1:${port}`,
      '--default-addr-pool=10.214.0.0/16',
      `--data-path-port=${port + 1}`,
    ])
    if (init.code !== 0) throw new Error(`swarm init failed: ${init.stderr}`)
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      if (!this.running()) {
        throw new Error(`dockerd exited:\n${this.log.join('').slice(-2000)}`)
      }
      if (existsSync(this.socket) && (await this.docker.ping().catch(() => null)) !== null) return
      await sleep(250)
    }
    throw new Error(`dockerd did not answer within 60 s:\n${this.log.join('').slice(-2000)}`)
  }

  /** Copies images from the shared engine: one `docker save` of all (shared layers once). */
  async loadImages(refs: readonly string[]): Promise<void> {
    const pipeline = `docker save ${refs.map((r) => `'${r}'`).join(' ')} | docker -H unix://${this.socket} load`
    const result = await run('sh', ['-c', pipeline], { timeoutMs: 300_000 })
    if (result.code !== 0) throw new Error(`loading images failed: ${result.stderr}`)
  }

  /** The docker CLI against this engine. */
  cli(args: string[], cwd?: string): Promise<CommandResult> {
    return run('docker', args, { env: this.env, cwd, timeoutMs: 180_000 })
  }

  /** What of this engine is still on the machine: empty once `stop()` has cleaned up. */
  async traces(): Promise<string[]> {
    const found: string[] = []
    if (this.running()) found.push('dockerd')
    for (const dir of [this.dirs.run, this.dirs.data]) if (existsSync(dir)) found.push(dir)
    for (const link of [GWBRIDGE, this.dirs.bridge]) if (await linkExists(link)) found.push(link)
    const mounts = await run('grep', ['-c', `maildock-swarm-${this.id}`, '/proc/self/mounts'])
    if (mounts.stdout.trim() !== '0') found.push(`${mounts.stdout.trim()} mount(s)`)
    return found
  }

  logTail(): string {
    return this.log.join('').slice(-3000)
  }

  /**
   * Leaves the swarm (retried: the first try can time out), stops dockerd, removes the bridge it
   * made and its folders.
   */
  private running(): boolean {
    return this.daemon.exitCode === null && this.daemon.signalCode === null
  }

  async stop(): Promise<void> {
    if (this.running()) {
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const left = await this.cli(['swarm', 'leave', '--force'])
        if (left.code === 0 || /not part of a swarm/.test(left.stderr)) break
      }
      const exited = new Promise((resolve) => this.daemon.once('exit', resolve))
      this.daemon.kill('SIGTERM')
      await Promise.race([exited, sleep(30_000)])
      if (this.running()) {
        this.daemon.kill('SIGKILL')
        await exited
      }
    }
    for (const link of [GWBRIDGE, this.dirs.bridge]) {
      if (await linkExists(link)) await run('ip', ['link', 'delete', link])
    }
    // Mounts dockerd may leave under its roots (netns, overlay) go before the folders.
    const mounts = await run('sh', [
      '-c',
      `grep -oE ' (${this.dirs.run}|${this.dirs.data})[^ ]*' /proc/self/mounts | sort -r`,
    ])
    for (const mount of mounts.stdout.split('\n').map((m) => m.trim())) {
      if (mount !== '') await run('umount', ['-l', mount])
    }
    await rm(this.dirs.run, { recursive: true, force: true })
    await rm(this.dirs.data, { recursive: true, force: true })
  }
}
