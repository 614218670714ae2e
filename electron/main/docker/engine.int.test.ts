import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nodeDiscoveryHost } from './discovery'
import { resolveEndpoint } from './docker-handlers'
import { EndpointSetting } from './endpoint-setting'
import {
  BASE_IMAGE,
  cleanupSuite,
  docker,
  startHarness,
  startProxy,
  subscribe,
  testLabels,
  uniqueSuite,
  type Harness,
  type Proxy,
} from '../../../test/support/docker'

const suite = uniqueSuite('engine')
const labelArgs = Object.entries(testLabels(suite)).flatMap(([k, v]) => ['--label', `${k}=${v}`])
const SYSTEM_SOCKET = '/var/run/docker.sock'

describe('endpoint choice', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness()
  })
  afterAll(() => h.close())

  it('lists the candidates found on this machine, with which exist', async () => {
    const endpoints = await h.client.call('engine:endpoints', {})
    expect(endpoints.chosen).toBeNull()
    expect(endpoints.candidates).toContainEqual({
      endpoint: { kind: 'socket', address: `unix://${SYSTEM_SOCKET}`, source: 'system socket' },
      exists: true,
    })
    expect(endpoints.candidates.find((c) => c.endpoint.source === 'OrbStack')?.exists).toBe(false)
    expect(endpoints.current.address).toBe(`unix://${SYSTEM_SOCKET}`)
  })

  it('switches to a chosen endpoint, remembers it, and goes back to discovery on null', async () => {
    const bogus = join(h.dataDir, 'nothing-here.sock')
    const status = await h.client.call('engine:set-endpoint', { address: `unix://${bogus}` })
    expect(status).toMatchObject({
      state: 'unreachable',
      endpoint: { address: `unix://${bogus}`, source: 'your setting' },
    })
    if (status.state === 'unreachable')
      expect(status.error).toBe(`No Docker engine socket at unix://${bogus}`)
    const setting = EndpointSetting.inDataDir(h.dataDir)
    expect(setting.read()).toBe(`unix://${bogus}`)
    // The next start uses the remembered choice.
    expect(resolveEndpoint(nodeDiscoveryHost(), setting).address).toBe(`unix://${bogus}`)
    expect((await h.client.call('engine:endpoints', {})).chosen?.address).toBe(`unix://${bogus}`)
    await expect(h.client.call('containers:list', {})).rejects.toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: expect.stringContaining('Start Docker (or pick another endpoint in Settings)'),
    })

    const back = await h.client.call('engine:set-endpoint', { address: null })
    expect(back).toMatchObject({ state: 'connected', endpoint: { source: 'system socket' } })
    expect(existsSync(setting.file)).toBe(false)
    await expect(
      h.client.call('engine:set-endpoint', { address: 'not an address' }),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    })
  })
})

describe('the engine going away mid-operation', () => {
  let dir: string
  let socket: string
  let proxy: Proxy
  let h: Harness

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'maildock-engine-'))
    socket = join(dir, 'docker.sock')
    proxy = await startProxy({ listen: socket, target: SYSTEM_SOCKET })
    h = await startHarness(`unix://${socket}`)
    expect(h.engine.status.state).toBe('connected')
  })

  afterAll(async () => {
    await proxy.stop()
    await h.close()
    await cleanupSuite(new Docker({ socketPath: SYSTEM_SOCKET }), suite)
    rmSync(dir, { recursive: true, force: true })
  })

  it('ends live streams with ENGINE_UNREACHABLE, then recovers by itself when the engine is back', async () => {
    const id = await docker(
      'run',
      '-d',
      ...labelArgs,
      BASE_IMAGE,
      'sh',
      '-c',
      'while :; do echo tick; sleep 0.1; done',
    )
    const logs = subscribe(h.client, 'containers:logs', { id, tail: 0 })
    const stats = subscribe(h.client, 'containers:stats', { id })
    const events = subscribe(h.client, 'docker:event', {})
    const status = subscribe(h.client, 'engine:changed', {})
    await logs.until((b) => b.lines.length > 0)
    await stats.until(() => true)

    await proxy.stop()
    await expect(logs.finished).rejects.toMatchObject({
      code: 'ENGINE_UNREACHABLE',
      message: expect.stringMatching(
        /^The log stream stopped before it finished: the engine may have stopped\. Start Docker/,
      ),
    })
    await expect(stats.finished).rejects.toMatchObject({ code: 'ENGINE_UNREACHABLE' })
    await status.until((s) => s.state === 'unreachable')
    await events.until((b) =>
      b.events.some((e) => e.type === 'engine' && e.action === 'disconnected'),
    )
    await expect(h.client.call('containers:list', {})).rejects.toMatchObject({
      code: 'ENGINE_UNREACHABLE',
    })

    rmSync(socket, { force: true })
    proxy = await startProxy({ listen: socket, target: SYSTEM_SOCKET })
    // No retry call: the monitor's backoff finds the engine again.
    await status.until((s) => s.state === 'connected' && s.checkedAt > Date.now() - 20_000, 20_000)
    await events.until(
      (b) => b.events.some((e) => e.type === 'engine' && e.action === 'connected'),
      5_000,
    )
    const list = await h.client.call('containers:list', { label: [`maildock.test.suite=${suite}`] })
    expect(list.containers.map((c) => c.id)).toEqual([id])
    // And live events flow again after the reconnect.
    await docker('stop', '-t', '1', id)
    await events.until((b) => b.events.some((e) => e.action === 'die' && e.id === id), 5_000)
    events.stop()
    status.stop()
  })
})
