import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  BASE_IMAGE,
  IDLE_COMMAND,
  cleanupSuite,
  createTestContainer,
  docker,
  startHarness,
  testLabels,
  uniqueSuite,
  type Harness,
  type TestContainer,
} from '../../../test/support/docker'

const suite = uniqueSuite('netvol')
const labels = testLabels(suite)
const mine = [`maildock.test.suite=${suite}`]
let h: Harness

beforeAll(async () => {
  h = await startHarness()
})

afterAll(async () => {
  await cleanupSuite(h.engine.client, suite)
  await h.close()
})

const idle = (name: string, extra: Partial<TestContainer> = {}) =>
  createTestContainer(h.engine.client, {
    image: BASE_IMAGE,
    name: `${suite}-${name}`,
    command: IDLE_COMMAND,
    labels,
    ...extra,
  })

describe('networks against the real engine', () => {
  it('creates with a subnet, internal flag and labels; refuses a duplicate name', async () => {
    const third = 100 + (process.pid % 100)
    const created = await h.client.call('networks:create', {
      name: `${suite}-net`,
      subnet: `10.213.${third}.0/24`,
      gateway: `10.213.${third}.1`,
      internal: true,
      labels,
    })
    expect(created).toMatchObject({
      name: `${suite}-net`,
      driver: 'bridge',
      internal: true,
      builtIn: false,
      containerCount: 0,
      subnets: [{ subnet: `10.213.${third}.0/24`, gateway: `10.213.${third}.1` }],
    })
    const { networks } = await h.client.call('networks:list', { label: mine })
    expect(networks.map((n) => n.name)).toEqual([`${suite}-net`])
    await expect(
      h.client.call('networks:create', { name: `${suite}-net`, labels }),
    ).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `A network named ${suite}-net already exists: pick another name.`,
    })
    await expect(
      h.client.call('networks:create', { name: `${suite}-gw`, gateway: '10.0.0.1', labels }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' })
  })

  it('connects and disconnects a container, shows it in inspect, refuses removal while attached', async () => {
    const id = await idle('member')
    await h.client.call('networks:connect', {
      id: `${suite}-net`,
      container: id,
      aliases: ['smtp'],
    })
    const detail = await h.client.call('networks:inspect', { id: `${suite}-net` })
    expect(detail.containers).toEqual([
      {
        id,
        name: `${suite}-member`,
        ipv4Address: expect.stringMatching(/^10\.213\./),
        macAddress: expect.any(String),
      },
    ])
    const aliases = await docker(
      'inspect',
      '-f',
      `{{json (index .NetworkSettings.Networks "${suite}-net").Aliases}}`,
      id,
    )
    expect(aliases).toContain('smtp')
    const { networks } = await h.client.call('networks:list', { label: mine })
    expect(networks[0]?.containerCount).toBe(1)

    await expect(h.client.call('networks:remove', { id: `${suite}-net` })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `Network ${suite}-net still has containers attached: disconnect or remove them first.`,
    })
    await h.client.call('networks:disconnect', { id: `${suite}-net`, container: id })
    expect((await h.client.call('networks:inspect', { id: `${suite}-net` })).containers).toEqual([])
    await h.client.call('networks:remove', { id: `${suite}-net` })
    await expect(h.client.call('networks:inspect', { id: `${suite}-net` })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it("refuses to remove the engine's own networks", async () => {
    await expect(h.client.call('networks:remove', { id: 'bridge' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: "bridge is one of the engine's own networks and cannot be removed.",
    })
    const { networks } = await h.client.call('networks:list', {})
    expect(networks.find((n) => n.name === 'bridge')?.builtIn).toBe(true)
  })

  it('prunes unused networks (only the labelled ones here)', async () => {
    await h.client.call('networks:create', { name: `${suite}-unused`, labels })
    const { deleted } = await h.client.call('networks:prune', { label: mine })
    expect(deleted).toEqual([`${suite}-unused`])
  })
})

describe('volumes against the real engine', () => {
  it('creates, lists with size and users, inspects, refuses removal in use, removes', async () => {
    const volume = await h.client.call('volumes:create', { name: `${suite}-data`, labels })
    expect(volume).toMatchObject({ name: `${suite}-data`, driver: 'local', usedBy: [] })
    await docker(
      'run',
      '--rm',
      '--label',
      'maildock.test=1',
      '--label',
      `maildock.test.suite=${suite}`,
      '-v',
      `${suite}-data:/data`,
      BASE_IMAGE,
      'sh',
      '-c',
      'head -c 3000000 /dev/zero > /data/blob',
    )
    const id = await idle('user', { mounts: [{ source: `${suite}-data`, destination: '/data' }] })

    const { volumes } = await h.client.call('volumes:list', { label: mine })
    expect(volumes).toHaveLength(1)
    expect(volumes[0]!.sizeBytes).toBeGreaterThanOrEqual(3_000_000)
    expect(volumes[0]!.usedBy).toEqual([{ id, name: `${suite}-user`, state: 'running' }])

    const detail = await h.client.call('volumes:inspect', { name: `${suite}-data` })
    expect(detail).toMatchObject({ name: `${suite}-data`, labels, usedBy: [{ id }] })
    expect(detail.created).toBeGreaterThan(Date.now() - 600_000)

    await expect(h.client.call('volumes:remove', { name: `${suite}-data` })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `Volume ${suite}-data is used by container(s) ${id.slice(0, 12)}: remove them first.`,
    })
    await h.client.call('containers:remove', { id, force: true })
    await h.client.call('volumes:remove', { name: `${suite}-data` })
    await expect(h.client.call('volumes:inspect', { name: `${suite}-data` })).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    )
  })

  it('prunes unused volumes and reports the space reclaimed', async () => {
    await h.client.call('volumes:create', { name: `${suite}-old`, labels })
    await docker(
      'run',
      '--rm',
      '-v',
      `${suite}-old:/data`,
      BASE_IMAGE,
      'sh',
      '-c',
      'head -c 2000000 /dev/zero > /data/blob',
    )
    const kept = await h.client.call('volumes:create', { name: `${suite}-kept`, labels })
    await idle('keeper', { mounts: [{ source: kept.name, destination: '/data' }] })
    const pruned = await h.client.call('volumes:prune', { label: mine })
    expect(pruned.deleted).toEqual([`${suite}-old`])
    expect(pruned.reclaimedBytes).toBeGreaterThanOrEqual(2_000_000)
  })
})
