import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  chooseEndpoint,
  discoverEndpoint,
  endpointFromAddress,
  listCandidates,
  nodeDiscoveryHost,
  parseUserAddress,
  type DiscoveryHost,
} from './discovery'

/** An in-memory home: paths that exist, and files with their text. */
function fakeHost(options: {
  platform?: NodeJS.Platform
  env?: Record<string, string>
  home?: string
  files?: Record<string, string>
  sockets?: string[]
}): DiscoveryHost {
  const files = options.files ?? {}
  const existing = new Set([...(options.sockets ?? []), ...Object.keys(files)])
  return {
    env: options.env ?? {},
    home: options.home ?? '/home/ada',
    platform: options.platform ?? 'linux',
    exists: (path) => existing.has(path),
    readFile: (path) => files[path],
  }
}

const sha = (name: string) => createHash('sha256').update(name).digest('hex')
const contextFiles = (home: string, name: string, host: string): Record<string, string> => ({
  [`${home}/.docker/config.json`]: JSON.stringify({ auths: {}, currentContext: name }),
  [`${home}/.docker/contexts/meta/${sha(name)}/meta.json`]: JSON.stringify({
    Name: name,
    Metadata: {},
    Endpoints: { docker: { Host: host, SkipTLSVerify: false } },
  }),
})

describe('engine discovery over fake homes', () => {
  it('takes DOCKER_HOST first, even over a context and existing sockets', () => {
    const host = fakeHost({
      env: { DOCKER_HOST: 'tcp://10.0.0.5:2375' },
      files: contextFiles('/home/ada', 'colima', 'unix:///home/ada/.colima/default/docker.sock'),
      sockets: ['/var/run/docker.sock'],
    })
    expect(discoverEndpoint(host)).toEqual({
      kind: 'tcp',
      address: 'tcp://10.0.0.5:2375',
      source: 'DOCKER_HOST',
    })
    expect(
      listCandidates(host)
        .map((c) => c.endpoint.source)
        .slice(0, 3),
    ).toEqual(['DOCKER_HOST', 'docker context colima', 'system socket'])
  })

  it('follows currentContext to the context meta named by its sha256', () => {
    const host = fakeHost({
      platform: 'darwin',
      home: '/Users/ada',
      files: contextFiles('/Users/ada', 'orbstack', 'unix:///Users/ada/.orbstack/run/docker.sock'),
      sockets: ['/var/run/docker.sock', '/Users/ada/.orbstack/run/docker.sock'],
    })
    expect(discoverEndpoint(host)).toEqual({
      kind: 'socket',
      address: 'unix:///Users/ada/.orbstack/run/docker.sock',
      source: 'docker context orbstack',
    })
    // Not listed twice: the context's socket is also a known one.
    const addresses = listCandidates(host).map((c) => c.endpoint.address)
    expect(addresses.filter((a) => a.includes('.orbstack')).length).toBe(1)
  })

  it('lets DOCKER_CONTEXT override currentContext, and DOCKER_CONFIG move the config folder', () => {
    const files = {
      ...contextFiles('/cfg', 'colima', 'unix:///home/ada/.colima/default/docker.sock'),
      '/cfg/config.json': JSON.stringify({ currentContext: 'colima' }),
      [`/cfg/contexts/meta/${sha('remote')}/meta.json`]: JSON.stringify({
        Endpoints: { docker: { Host: 'ssh://ada@build-box' } },
      }),
    }
    const host = fakeHost({ env: { DOCKER_CONFIG: '/cfg', DOCKER_CONTEXT: 'remote' }, files })
    expect(discoverEndpoint(host)).toEqual({
      kind: 'ssh',
      address: 'ssh://ada@build-box',
      source: 'docker context remote',
    })
  })

  it('ignores the default context and a context whose meta is missing or broken', () => {
    const home = '/home/ada'
    const defaults = fakeHost({
      files: { [`${home}/.docker/config.json`]: '{"currentContext":"default"}' },
      sockets: [`${home}/.docker/desktop/docker.sock`],
    })
    expect(discoverEndpoint(defaults).source).toBe('Docker Desktop (Linux)')
    const missing = fakeHost({
      files: { [`${home}/.docker/config.json`]: '{"currentContext":"gone"}' },
      sockets: ['/var/run/docker.sock'],
    })
    expect(discoverEndpoint(missing).source).toBe('system socket')
    const broken = fakeHost({
      files: {
        [`${home}/.docker/config.json`]: '{"currentContext":"x"}',
        [`${home}/.docker/contexts/meta/${sha('x')}/meta.json`]: '{not json',
      },
      sockets: ['/var/run/docker.sock'],
    })
    expect(discoverEndpoint(broken).source).toBe('system socket')
  })

  it.each([
    ['/Users/ada/.docker/run/docker.sock', 'Docker Desktop'],
    ['/Users/ada/.colima/default/docker.sock', 'Colima'],
    ['/Users/ada/.orbstack/run/docker.sock', 'OrbStack'],
    ['/Users/ada/.rd/docker.sock', 'Rancher Desktop'],
  ])('finds %s when it is the only socket', (socket, source) => {
    const host = fakeHost({ platform: 'darwin', home: '/Users/ada', sockets: [socket] })
    expect(discoverEndpoint(host)).toEqual({ kind: 'socket', address: `unix://${socket}`, source })
  })

  it('finds the rootless Podman socket under XDG_RUNTIME_DIR', () => {
    const host = fakeHost({
      env: { XDG_RUNTIME_DIR: '/run/user/1000' },
      sockets: ['/run/user/1000/podman/podman.sock'],
    })
    expect(discoverEndpoint(host)).toEqual({
      kind: 'socket',
      address: 'unix:///run/user/1000/podman/podman.sock',
      source: 'Podman',
    })
  })

  it('prefers the system socket when several exist, and falls back to it when none does', () => {
    const several = fakeHost({
      sockets: ['/home/ada/.colima/default/docker.sock', '/var/run/docker.sock'],
    })
    expect(discoverEndpoint(several).source).toBe('system socket')
    const none = fakeHost({})
    expect(discoverEndpoint(none).address).toBe('unix:///var/run/docker.sock')
    expect(listCandidates(none).every((c) => !c.exists)).toBe(true)
  })

  it('uses named pipes on Windows and checks them by their \\\\.\\pipe path', () => {
    const host = fakeHost({
      platform: 'win32',
      home: 'C:\\Users\\ada',
      sockets: ['\\\\.\\pipe\\dockerDesktopLinuxEngine'],
    })
    expect(discoverEndpoint(host)).toEqual({
      kind: 'pipe',
      address: 'npipe:////./pipe/dockerDesktopLinuxEngine',
      source: 'Docker Desktop (Linux engine)',
    })
    const none = fakeHost({ platform: 'win32', home: 'C:\\Users\\ada' })
    expect(discoverEndpoint(none).address).toBe('npipe:////./pipe/docker_engine')
  })

  it('reads a Windows context under the user profile', () => {
    const home = 'C:\\Users\\ada'
    const files = {
      [`${home}\\.docker\\config.json`]: '{"currentContext":"desktop-linux"}',
      [`${home}\\.docker\\contexts\\meta\\${sha('desktop-linux')}\\meta.json`]: JSON.stringify({
        Endpoints: { docker: { Host: 'npipe:////./pipe/dockerDesktopLinuxEngine' } },
      }),
    }
    const host = fakeHost({ platform: 'win32', home, files })
    expect(discoverEndpoint(host)).toMatchObject({
      kind: 'pipe',
      source: 'docker context desktop-linux',
    })
  })

  it('marks tcp and ssh candidates as present without checking', () => {
    const candidates = listCandidates(fakeHost({ env: { DOCKER_HOST: 'ssh://me@box' } }))
    expect(candidates[0]).toEqual({
      endpoint: { kind: 'ssh', address: 'ssh://me@box', source: 'DOCKER_HOST' },
      exists: true,
    })
    expect(chooseEndpoint(candidates).kind).toBe('ssh')
  })
})

describe('addresses', () => {
  it('parses every scheme and bare paths', () => {
    expect(endpointFromAddress('/tmp/d.sock', 's')).toEqual({
      kind: 'socket',
      address: 'unix:///tmp/d.sock',
      source: 's',
    })
    expect(endpointFromAddress('//./pipe/docker_engine', 's').address).toBe(
      'npipe:////./pipe/docker_engine',
    )
    expect(endpointFromAddress('https://h:2376', 's').kind).toBe('tcp')
  })

  it('refuses what is not an address, with the accepted forms in the message', () => {
    expect(() => parseUserAddress('docker.sock')).toThrow(/unix:\/\/\/path\/to\/docker.sock/)
    expect(parseUserAddress(' tcp://127.0.0.1:2375 ')).toEqual({
      kind: 'tcp',
      address: 'tcp://127.0.0.1:2375',
      source: 'your setting',
    })
  })
})

describe('discovery on a real file system', () => {
  const cleanups: Array<() => void> = []
  afterEach(() => cleanups.splice(0).forEach((clean) => clean()))

  const listen = (path: string): Promise<Server> =>
    new Promise((resolve) => {
      const server = createServer()
      server.listen(path, () => resolve(server))
    })

  it('finds a live socket in a temporary home, through a context written like the CLI does', async () => {
    const home = mkdtempSync(join(tmpdir(), 'maildock-home-'))
    cleanups.push(() => rmSync(home, { recursive: true, force: true }))
    mkdirSync(join(home, '.colima', 'default'), { recursive: true })
    const socket = join(home, '.colima', 'default', 'docker.sock')
    const server = await listen(socket)
    cleanups.push(() => server.close())

    const base = nodeDiscoveryHost({})
    const host: DiscoveryHost = { ...base, home, env: {} }
    // No context: the system socket (if this machine has one) comes first, Colima's is found too.
    const colima = listCandidates(host).find((c) => c.endpoint.source === 'Colima')
    expect(colima).toEqual({
      endpoint: { kind: 'socket', address: `unix://${socket}`, source: 'Colima' },
      exists: true,
    })

    for (const [path, text] of Object.entries(contextFiles(home, 'colima', `unix://${socket}`))) {
      mkdirSync(join(path, '..'), { recursive: true })
      writeFileSync(path, text)
    }
    expect(discoverEndpoint(host)).toEqual({
      kind: 'socket',
      address: `unix://${socket}`,
      source: 'docker context colima',
    })
  })
})
