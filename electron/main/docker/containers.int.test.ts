import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import {
  BASE_IMAGE,
  IDLE_COMMAND,
  cleanupSuite,
  createTestContainer,
  docker,
  startHarness,
  subscribe,
  testLabels,
  uniqueSuite,
  waitFor,
  type Harness,
} from '../../../test/support/docker'

const suite = uniqueSuite('containers')
const labels = testLabels(suite)
let h: Harness

const state = (id: string) => docker('inspect', '-f', '{{.State.Status}}', id)

async function idle(name: string, extra: Record<string, string> = {}) {
  return createTestContainer(h.engine.client, {
    image: BASE_IMAGE,
    name: `${suite}-${name}`,
    command: IDLE_COMMAND,
    labels: { ...labels, ...extra },
  })
}

beforeAll(async () => {
  h = await startHarness()
  expect(h.engine.status.state).toBe('connected')
})

afterAll(async () => {
  await cleanupSuite(h.engine.client, suite)
  await h.close()
})

describe('containers against the real engine', () => {
  it('creates, lists with filters and groups, and inspects with secrets masked', async () => {
    const id = await createTestContainer(h.engine.client, {
      image: BASE_IMAGE,
      name: `${suite}-web`,
      command: IDLE_COMMAND,
      env: { DB_PASSWORD: 'hunter2', GREETING: 'hello', AMQP_URL: 'amqp://u:pw@broker/' },
      labels: { ...labels, 'maildock.stack': suite, 'maildock.service': 'web' },
      ports: [8080],
    })
    await idle('plain')

    const list = await h.client.call('containers:list', { label: [`maildock.test.suite=${suite}`] })
    expect(list.containers.map((c) => c.name).sort()).toEqual([`${suite}-plain`, `${suite}-web`])
    const web = list.containers.find((c) => c.id === id)!
    expect(web.state).toBe('running')
    expect(web.group).toEqual({ kind: 'stack', name: suite, service: 'web' })
    expect(web.ports).toEqual([
      { containerPort: 8080, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: expect.any(Number) },
    ])
    expect(list.groups).toEqual([{ kind: 'stack', name: suite, containerIds: [id], running: 1 }])

    const byName = await h.client.call('containers:list', { name: `${suite}-WEB` })
    expect(byName.containers.map((c) => c.id)).toEqual([id])
    const byImage = await h.client.call('containers:list', {
      image: 'debian-base',
      label: [`maildock.test.suite=${suite}`],
    })
    expect(byImage.containers).toHaveLength(2)
    const exited = await h.client.call('containers:list', {
      status: ['exited'],
      label: [`maildock.test.suite=${suite}`],
    })
    expect(exited.containers).toHaveLength(0)

    const detail = await h.client.call('containers:inspect', { id: `${suite}-web` })
    const env = Object.fromEntries(detail.env.map((e) => [e.key, e]))
    expect(env.DB_PASSWORD).toEqual({ key: 'DB_PASSWORD', value: '********', masked: true })
    expect(env.GREETING).toEqual({ key: 'GREETING', value: 'hello', masked: false })
    expect(env.AMQP_URL?.value).toBe('amqp://u:********@broker/')
    expect(detail.networks.map((n) => n.name)).toEqual(['bridge'])
    expect(detail.ports[0]).toMatchObject({ containerPort: 8080, hostIp: '127.0.0.1' })
    expect(detail.command).toEqual(IDLE_COMMAND)
  })

  it('refuses a name clash with a message naming the name', async () => {
    const error = await createTestContainer(h.engine.client, {
      image: BASE_IMAGE,
      name: `${suite}-web`,
      labels,
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(MaildockError)
    expect(error).toMatchObject({ code: 'CONFLICT' })
    expect((error as Error).message).toContain(`The name ${suite}-web is already used by container`)
  })

  it('pauses, unpauses, stops, starts, restarts and kills, as docker inspect confirms', async () => {
    const id = await idle('life')
    await h.client.call('containers:pause', { id })
    expect(await state(id)).toBe('paused')
    await expect(h.client.call('containers:pause', { id })).rejects.toMatchObject({
      code: 'CONFLICT',
    })
    await h.client.call('containers:unpause', { id })
    expect(await state(id)).toBe('running')
    await h.client.call('containers:stop', { id, timeoutSeconds: 5 })
    expect(await state(id)).toBe('exited')
    // Stopping a stopped container is not an error (the engine says 304).
    await h.client.call('containers:stop', { id })
    await expect(h.client.call('containers:kill', { id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('is not running: start it first'),
    })
    await h.client.call('containers:start', { id })
    expect(await state(id)).toBe('running')
    const before = await docker('inspect', '-f', '{{.State.StartedAt}}', id)
    await h.client.call('containers:restart', { id, timeoutSeconds: 5 })
    expect(await docker('inspect', '-f', '{{.State.StartedAt}}', id)).not.toBe(before)
    await h.client.call('containers:kill', { id, signal: 'SIGKILL' })
    expect(await state(id)).toBe('exited')
  })

  it('refuses to remove a running container without force, then removes it with its volumes', async () => {
    const id = await createTestContainer(h.engine.client, {
      image: BASE_IMAGE,
      name: `${suite}-rm`,
      command: IDLE_COMMAND,
      labels,
    })
    await expect(h.client.call('containers:remove', { id })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: `Container ${id.slice(0, 12)} is running: stop it first, or remove it with force.`,
    })
    await h.client.call('containers:remove', { id, force: true, volumes: true })
    await expect(docker('inspect', id)).rejects.toThrow(/No such object/)
  })

  it('removes anonymous volumes with the container when asked', async () => {
    const id = await docker(
      'create',
      '--label',
      'maildock.test=1',
      '--label',
      `maildock.test.suite=${suite}`,
      '-v',
      '/anon',
      BASE_IMAGE,
      'true',
    )
    const volume = await docker('inspect', '-f', '{{range .Mounts}}{{.Name}}{{end}}', id)
    expect(volume).toMatch(/^[0-9a-f]{64}$/)
    await h.client.call('containers:remove', { id, volumes: true })
    await expect(docker('volume', 'inspect', volume)).rejects.toThrow(/no such volume/i)
  })

  it('answers NOT_FOUND for an unknown container, with what to do', async () => {
    await expect(
      h.client.call('containers:inspect', { id: 'no-such-container-xyz' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('refresh the list'),
    })
    await expect(
      h.client.call('containers:start', { id: 'no-such-container-xyz' }),
    ).rejects.toMatchObject({
      code: 'NOT_FOUND',
    })
  })

  it('runs a bulk action and reports each container on its own', async () => {
    const ids = await Promise.all(['b1', 'b2', 'b3'].map((n) => idle(n)))
    const { results } = await h.client.call('containers:bulk', {
      ids: [...ids, 'no-such-container-xyz'],
      action: 'stop',
    })
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false])
    expect(results[3]?.error?.code).toBe('NOT_FOUND')
    for (const id of ids) expect(await state(id)).toBe('exited')
    const removed = await h.client.call('containers:bulk', { ids, action: 'remove' })
    expect(removed.results.every((r) => r.ok)).toBe(true)
  })

  it('streams live stats until unsubscribed', async () => {
    const id = await idle('stats')
    const stats = subscribe(h.client, 'containers:stats', { id })
    await waitFor(() => stats.data.length >= 2, 10_000, 'two stats samples')
    stats.stop()
    const [, second] = stats.data
    expect(second).toMatchObject({ id, cpus: expect.any(Number) })
    expect(second!.memoryBytes).toBeGreaterThan(0)
    expect(second!.pids).toBeGreaterThan(0)
    const count = stats.data.length
    await new Promise((r) => setTimeout(r, 1500))
    expect(stats.data.length).toBe(count)
  })

  it('pushes engine events live: a container started with the CLI shows up as an event', async () => {
    const events = subscribe(h.client, 'docker:event', { types: ['container'] })
    await new Promise((r) => setTimeout(r, 200))
    const name = `${suite}-cli`
    await docker(
      'run',
      '-d',
      '--name',
      name,
      '--label',
      'maildock.test=1',
      '--label',
      `maildock.test.suite=${suite}`,
      BASE_IMAGE,
      ...IDLE_COMMAND,
    )
    await events.until(
      (batch) => batch.events.some((e) => e.action === 'start' && e.name === name),
      30_000,
    )
    const list = await h.client.call('containers:list', { name })
    expect(list.containers[0]?.state).toBe('running')
    await docker('stop', '-t', '1', name)
    await events.until((batch) => batch.events.some((e) => e.action === 'die' && e.name === name))
    events.stop()
  })
})
