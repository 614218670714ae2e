// The stack's faults on the real engine: each ends in a clear state with no half-created
// leftovers and no duplicates.
import { execFile, execFileSync } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import Docker from 'dockerode'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { MaildockError, type StackStatus } from '../../../shared/contract'
import { JsonLines } from '../lib/json-lines'
import type { RawEngineEvent } from '../docker'
import {
  EngineProxy,
  eventually,
  openStack,
  pinTestInputs,
  postEmail,
  publishedUrl,
  removeStack,
  stackEnv,
  stackResources,
  uniqueStackName,
  waitForMessage,
  type PinnedInputs,
  type TestStack,
} from '../../../test/support/stack'

const docker = new Docker()
const stacks = new Set<string>()
const images = new Set<string>()
const open: TestStack[] = []
let pinned: PinnedInputs

beforeAll(async () => {
  pinned = await pinTestInputs(docker, uniqueStackName('pin'))
})

async function newStack(extra: NodeJS.ProcessEnv = {}, options?: Parameters<typeof openStack>[1]) {
  const name = uniqueStackName('mdf')
  stacks.add(name)
  const stack = await openStack(stackEnv(name, { ...pinned.env, ...extra }), options)
  open.push(stack)
  return { name, ...stack }
}

const nothingLeft = { containers: [], networks: [], volumes: [] }

async function failureOf(promise: Promise<unknown>): Promise<MaildockError> {
  const error = await promise.then(
    () => new Error('expected a failure'),
    (e: unknown) => e,
  )
  if (!(error instanceof MaildockError)) throw error
  return error
}

const logsIn = (error: MaildockError): string[] => (error.details as { logs: string[] }).logs

afterEach(() => {
  for (const stack of open.splice(0)) stack.close()
})

afterAll(async () => {
  for (const name of stacks) await removeStack(docker, name)
  for (const image of images)
    await docker
      .getImage(image)
      .remove({ force: true })
      .catch(() => undefined)
  await pinned.cleanup()
})

describe('stack faults', () => {
  it('refuses a host port that is already taken, before creating anything', async () => {
    const holder: Server = createServer()
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
    const port = (holder.address() as { port: number }).port
    try {
      const stack = await newStack({ MAILDOCK_API_PORT: String(port) })
      const error = await failureOf(stack.manager.up())
      expect(error.code).toBe('CONFLICT')
      expect(error.message).toContain(`127.0.0.1:${port} (api) already in use`)
      expect(await stackResources(docker, stack.name)).toEqual(nothingLeft)
      expect(stack.manager.lastOperation?.state).toBe('failed')
    } finally {
      holder.close()
    }
  })

  it('names the setting to change when an image is neither here nor pullable', async () => {
    const stack = await newStack({ MAILDOCK_BROKER_IMAGE: 'maildock-stack-test/absent:none' })
    const error = await failureOf(stack.manager.up())
    expect(error.code).toBe('NOT_FOUND')
    expect(error.message).toMatch(
      /^Image maildock-stack-test\/absent:none is not on this engine and could not be pulled \(.+\)\. .*set MAILDOCK_BROKER_IMAGE/,
    )
    const pull = stack.manager.lastOperation?.steps.find((s) => s.kind === 'pull')
    expect(pull).toMatchObject({ state: 'failed', service: 'broker' })
    expect(await stackResources(docker, stack.name)).toEqual(nothingLeft)
  })

  it('reports a failing image build with its output, and creates nothing', async () => {
    // A base image without /bin/sh: COPY works, the emailer's and logger's RUN cannot.
    const empty = `maildock-stack-test/empty:${uniqueStackName('base')}`
    execFileSync('docker', ['import', '--change', 'LABEL maildock.test=1', '-', empty], {
      input: execFileSync('tar', ['-cf', '-', '--files-from', '/dev/null']),
    })
    images.add(empty)
    const stack = await newStack({ MAILDOCK_NODE_IMAGE: empty })
    const error = await failureOf(stack.manager.up())
    expect(error.message).toMatch(/Building the (emailer|logger) image failed/)
    expect(logsIn(error).join('\n')).toMatch(/Step \d\/\d+ : RUN/)
    const build = stack.manager.lastOperation?.steps.find(
      (s) => s.kind === 'build' && s.state === 'failed',
    )
    expect(build?.logs.length).toBeGreaterThan(0)
    expect(await stackResources(docker, stack.name)).toEqual(nothingLeft)
    const api = stack.manager.lastOperation?.steps.find((s) => s.title.includes('maildock/api:'))
    if (api?.state === 'done') images.add(api.title.replace(/^Build /, ''))
  })

  it('times out a broker that never becomes healthy, shows its logs and removes what it made', async () => {
    // Runs and logs, but never answers AMQP.
    const mute = `maildock-stack-test/mute-broker:${uniqueStackName('img')}`
    const dockerfile = [
      `FROM ${process.env.MAILDOCK_NODE_IMAGE ?? ''}`,
      'LABEL maildock.test=1',
      `CMD ["sh", "-c", "trap 'exit 0' TERM; echo broker pretending to boot; while :; do sleep 1; done"]`,
    ].join('\n')
    execFileSync('docker', ['build', '-q', '-t', mute, '-'], { input: dockerfile })
    images.add(mute)
    const stack = await newStack({ MAILDOCK_BROKER_IMAGE: mute, MAILDOCK_HEALTH_TIMEOUT: '12' })
    const error = await failureOf(stack.manager.up())
    expect(error.code).toBe('TIMEOUT')
    expect(error.message).toMatch(
      /^broker did not become healthy within 12 s \(last health check: exit 1/,
    )
    expect(logsIn(error)).toContain('broker pretending to boot')
    const steps = stack.manager.lastOperation?.steps ?? []
    const failed = steps.find((s) => s.state === 'failed')
    expect(failed?.title).toBe('Wait until broker is healthy')
    expect(failed?.logs).toContain('broker pretending to boot')
    expect(steps.find((s) => s.kind === 'rollback')?.state).toBe('done')
    // The api starts beside the booting broker; its wait stops when the broker's fails.
    expect(steps.filter((s) => s.service === 'api').map((s) => s.state)).toEqual([
      'done',
      'done',
      'skipped',
    ])
    expect(await stackResources(docker, stack.name)).toEqual(nothingLeft)
  })

  it('fails at once when the broker exits, with its exit code', async () => {
    const stack = await newStack({ MAILDOCK_BROKER_IMAGE: process.env.MAILDOCK_NODE_IMAGE })
    const started = Date.now()
    const error = await failureOf(stack.manager.up())
    expect(error.message).toMatch(/broker exited with code \d+ before becoming healthy/)
    expect(Date.now() - started).toBeLessThan(120_000)
    expect(await stackResources(docker, stack.name)).toEqual(nothingLeft)
  })

  it('survives the engine going away mid-start: a clear error, then up finishes the job', async () => {
    const name = uniqueStackName('mdf')
    stacks.add(name)
    const proxy = new EngineProxy(join(`/tmp`, `${name}.sock`))
    await proxy.start()
    const stack = await openStack(stackEnv(name, pinned.env), { endpoint: proxy.endpoint })
    open.push(stack)
    // Watch the real engine: cut the proxy as soon as the broker has started.
    const events = (await docker.getEvents({
      filters: { label: [`maildock.stack=${name}`], event: ['start'] },
    })) as unknown as Readable
    const lines = new JsonLines<RawEngineEvent>((event) => {
      if (event.Actor?.Attributes?.['maildock.service'] === 'broker') void proxy.cut()
    })
    events.on('data', (chunk: Buffer) => lines.push(chunk))
    try {
      const error = await failureOf(stack.manager.up())
      expect(error.code).toBe('ENGINE_UNREACHABLE')
      const rollback = stack.manager.lastOperation?.steps.find((s) => s.kind === 'rollback')
      expect(rollback?.detail).toMatch(/Could not clean up.*Run up or down again/)
    } finally {
      events.destroy()
    }
    await proxy.start()
    await stack.engine.retry()
    const status = await stack.manager.status()
    expect(status.state).toBe('partial')
    expect(status.services.find((s) => s.service === 'broker')?.state).not.toBe('missing')
    const result = await stack.manager.up()
    expect(result.status.state).toBe('up')
    const containers = (await stackResources(docker, name)).containers
    expect(containers.map((c) => c.service).sort()).toEqual([
      'api',
      'broker',
      'catcher',
      'emailer',
      'logger',
    ])
    await stack.manager.down(true)
    await proxy.cut()
  })

  describe('on a stack that is up', () => {
    const name = uniqueStackName('mdf')
    let stack: TestStack

    beforeAll(async () => {
      stacks.add(name)
      stack = await openStack(stackEnv(name, pinned.env))
    })

    afterAll(() => stack.close())

    /** The same stack, set to a re-tagged copy of one service's image: up re-creates it. */
    async function onImageCopy(service: string, variable: string) {
      const copy = `maildock-stack-test/${service}:${name}`
      const [repo, tag] = copy.split(':') as [string, string]
      await docker.getImage(pinned.env[variable] ?? '').tag({ repo, tag })
      images.add(copy)
      const changed = await openStack(stackEnv(name, { ...pinned.env, [variable]: copy }), {
        dataDir: stack.dataDir,
      })
      open.push(changed)
      return changed
    }

    it('three ups at once (two here, one in another process) create each container once', async () => {
      const env = {
        ...process.env,
        ...stackEnv(name, pinned.env),
        MAILDOCK_DATA_DIR: stack.dataDir,
      }
      const cli = new Promise<number>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'electron/main/cli/main.ts', 'up'],
          { env },
          (error) => resolve(error === null ? 0 : Number(error.code ?? 1)),
        )
      })
      const [first, second, cliCode] = await Promise.all([
        stack.manager.up(),
        stack.manager.up(),
        cli,
      ])
      expect(cliCode).toBe(0)
      expect(first.changes.created.length + second.changes.created.length).toBe(5)
      expect([first.unchanged, second.unchanged]).toContain(true)
      const containers = (await stackResources(docker, name)).containers
      expect(containers.map((c) => c.service).sort()).toEqual([
        'api',
        'broker',
        'catcher',
        'emailer',
        'logger',
      ])
      expect((await stackResources(docker, name)).networks).toEqual([`${name}-net`])
    })

    it('reports a container removed by hand live, and up re-creates only it', async () => {
      const seen: StackStatus[] = []
      const stop = stack.manager.watcher.subscribe((status) => seen.push(status))
      try {
        await eventually('a first status', () => (seen.length > 0 ? true : undefined))
        await docker.getContainer(`${name}-api-1`).remove({ force: true })
        const reported = await eventually('api reported missing', () =>
          seen.find((s) => s.services.find((x) => x.service === 'api')?.state === 'missing'),
        )
        expect(reported.state).toBe('partial')
      } finally {
        stop()
      }
      const result = await stack.manager.up()
      expect(result.changes.created).toEqual([`${name}-api-1`])
      expect(result.changes.recreated).toEqual([])
      expect(result.status.state).toBe('up')
    })

    it('re-creates a container left created but never started (no secrets in it), not start it', async () => {
      const api = docker.getContainer(`${name}-api-1`)
      const { Config, HostConfig, NetworkSettings } = await api.inspect()
      await api.remove({ force: true })
      // What a run cut between create and putting the files leaves: the same labels, no files.
      await docker.createContainer({
        ...Config,
        name: `${name}-api-1`,
        HostConfig,
        NetworkingConfig: {
          EndpointsConfig: Object.fromEntries(
            Object.keys(NetworkSettings.Networks).map((network) => [network, {}]),
          ),
        },
      })
      const refused = await failureOf(stack.manager.startOrStop('api', 'start'))
      expect(refused.code).toBe('CONFLICT')
      expect(refused.message).toContain('never started')
      expect(refused.message).toContain('Run up')
      const result = await stack.manager.up()
      expect(result.changes.recreated).toEqual([`${name}-api-1`])
      expect(result.changes.started).toEqual([])
      expect(result.status.state).toBe('up')
    })

    it('stops a service and starts it again, waiting until it is healthy', async () => {
      const stopped = await stack.manager.startOrStop('catcher', 'stop')
      expect(stopped.changes.stopped).toEqual([`${name}-catcher-1`])
      expect(stopped.status.services.find((s) => s.service === 'catcher')?.state).toBe('stopped')
      const started = await stack.manager.startOrStop('catcher', 'start')
      expect(started.changes.started).toEqual([`${name}-catcher-1`])
      expect(started.status.state).toBe('up')
    })

    it('keeps the emails queued in the broker when up re-creates it', async () => {
      await stack.manager.startOrStop('emailer', 'stop')
      const before = await stack.manager.status()
      const subject = `queued across a new broker ${name}`
      await postEmail(publishedUrl(before, 'api', 3000), subject)
      const changed = await onImageCopy('broker', 'MAILDOCK_BROKER_IMAGE')
      const result = await changed.manager.up()
      expect(result.changes.recreated).toContain(`${name}-broker-1`)
      expect(result.changes.started).toContain(`${name}-emailer-1`)
      const message = await waitForMessage(publishedUrl(result.status, 'catcher', 8025), subject)
      expect(message.Subject).toBe(subject)
      // Back to the broker image the other tests use.
      expect((await stack.manager.up()).changes.recreated).toEqual([`${name}-broker-1`])
    })

    it('re-creates only the service a changed setting reaches', async () => {
      const changed = await onImageCopy('catcher', 'MAILDOCK_CATCHER_IMAGE')
      const result = await changed.manager.up()
      expect(result.changes.recreated).toEqual([`${name}-catcher-1`])
      expect(result.changes.created).toEqual([])
      await changed.manager.down(true)
      expect(await stackResources(docker, name)).toEqual(nothingLeft)
    })
  })
})
