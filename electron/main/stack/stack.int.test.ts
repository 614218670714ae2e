// `maildock up | status | scale | down` against the real engine with the local images: the CLI
// runs from source in a child process, on a throw-away stack with engine-picked ports.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackResult, StackStatus } from '../../../shared/contract'
import {
  emailerConsumers,
  eventually,
  pinTestInputs,
  postEmail,
  publishedUrl,
  removeStack,
  stackEnv,
  stackResources,
  uniqueStackName,
  waitForMessage,
  type PinnedInputs,
} from '../../../test/support/stack'
import { runCli, type CliRun } from '../../../test/support/cli'

const docker = new Docker()
const stack = uniqueStackName()
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-cli-'))
let env: NodeJS.ProcessEnv = {}
let pinned: PinnedInputs | undefined
const builtImages = new Set<string>()

type Run = CliRun

const maildock = (...args: string[]): Promise<Run> => runCli(env, ...args)

async function ok(...args: string[]): Promise<Run> {
  const run = await maildock(...args)
  if (run.code !== 0)
    throw new Error(`maildock ${args.join(' ')} exited ${run.code}:\n${run.stderr}`)
  return run
}

async function upJson(): Promise<StackResult> {
  const result = JSON.parse((await ok('up', '--json')).stdout) as StackResult
  for (const image of result.changes.builtImages) builtImages.add(image)
  return result
}

const status = async (): Promise<StackStatus> =>
  JSON.parse((await ok('status', '--json')).stdout) as StackStatus

const brokerPassword = (): string =>
  (
    JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as {
      secrets: Record<string, string>
    }
  ).secrets[`broker-password/${stack}`] ?? ''

beforeAll(async () => {
  await removeStack(docker, stack)
  pinned = await pinTestInputs(docker, stack)
  env = { ...process.env, ...stackEnv(stack, pinned.env), MAILDOCK_DATA_DIR: dataDir }
})

afterAll(async () => {
  await removeStack(docker, stack)
  for (const image of builtImages)
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined)
  await pinned?.cleanup()
})

describe('maildock up / status / scale / down', () => {
  it('brings the whole stack up from nothing, every service healthy', async () => {
    expect(await stackResources(docker, stack)).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    })
    const result = await upJson()
    expect(result.operation.state).toBe('succeeded')
    expect(result.changes.created.sort()).toEqual(
      ['api', 'broker', 'catcher', 'emailer', 'logger'].map((s) => `${stack}-${s}-1`),
    )
    // Its clients were told to connect on the broker's ready line, noted in its health step.
    const brokerHealth = result.operation.steps.find(
      (s) => s.kind === 'health' && s.service === 'broker',
    )
    expect(brokerHealth?.logs).toContainEqual(
      expect.stringMatching(/^broker: .*started TCP listener/),
    )
    const current = await status()
    expect(current.state).toBe('up')
    for (const service of current.services) {
      expect({ service: service.service, state: service.state, health: service.health }).toEqual({
        service: service.service,
        state: 'running',
        health: 'healthy',
      })
      for (const port of service.instances.flatMap((i) => i.ports))
        expect(port.hostIp).toBe('127.0.0.1')
    }
    const resources = await stackResources(docker, stack)
    expect(resources.networks).toEqual([`${stack}-net`])
    expect(resources.volumes.sort()).toEqual([
      `${stack}-broker-data-classic`,
      `${stack}-emailer-ledger`,
      `${stack}-logger-data`,
    ])
    // Generated per install: not guest/guest.
    expect(brokerPassword()).toMatch(/^[A-Za-z0-9]{32}$/)
  })

  it('delivers an email posted to the API to the mail catcher', async () => {
    const current = await status()
    const subject = `one-click ${stack}`
    await postEmail(publishedUrl(current, 'api', 3000), subject)
    const message = await waitForMessage(publishedUrl(current, 'catcher', 8025), subject)
    expect(message.To?.[0]?.Address).toBe('someone@example.com')
  })

  it('creates nothing when up runs again', async () => {
    const before = await stackResources(docker, stack)
    const result = await upJson()
    expect(result.unchanged).toBe(true)
    expect(result.operation.summary).toContain('nothing to change')
    expect(await stackResources(docker, stack)).toEqual(before)
  })

  it('scales the emailer to three consumers on its queue', async () => {
    const scaled = await ok('scale', 'emailer', '3')
    expect(scaled.stderr).toContain('created 2')
    const emailers = (await stackResources(docker, stack)).containers.filter(
      (c) => c.service === 'emailer',
    )
    expect(emailers.map((c) => c.state)).toEqual(['running', 'running', 'running'])
    const current = await status()
    expect(current.services.find((s) => s.service === 'emailer')?.desiredReplicas).toBe(3)
    const management = publishedUrl(current, 'broker', 15672)
    await eventually('three consumers', async () =>
      (await emailerConsumers(management, brokerPassword())) === 3 ? true : undefined,
    )
  })

  it('reads a --config file over the saved settings', async () => {
    const config = join(dataDir, 'config.json')
    writeFileSync(config, JSON.stringify({ emailerReplicas: 2 }))
    const viaConfig = JSON.parse(
      (await ok('status', '--json', '--config', config)).stdout,
    ) as StackStatus
    expect(viaConfig.services.find((s) => s.service === 'emailer')?.desiredReplicas).toBe(2)
    const missing = await ok('--config', join(dataDir, 'nope.json'), 'status')
    expect(missing.stdout).toMatch(/Settings problem: config file .*nope\.json: not found/)
  })

  it('prints a table and fails with a usage code on a bad service', async () => {
    const table = await ok('status')
    expect(table.stdout).toMatch(new RegExp(`Stack ${stack}: up`))
    expect(table.stdout).toMatch(/emailer\s+running\s+healthy\s+3\/3/)
    const bad = await maildock('restart', 'nope')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('Unknown service "nope"')
  })

  it('down removes containers and network but keeps the volumes; --volumes removes them', async () => {
    await ok('down')
    const afterDown = await stackResources(docker, stack)
    expect(afterDown.containers).toEqual([])
    expect(afterDown.networks).toEqual([])
    expect(afterDown.volumes.sort()).toEqual([
      `${stack}-broker-data-classic`,
      `${stack}-emailer-ledger`,
      `${stack}-logger-data`,
    ])
    expect((await status()).state).toBe('absent')
    // What a switch of queue type leaves: the other type's broker volume, shown and removed too.
    const other = `${stack}-broker-data-quorum`
    await docker.createVolume({
      Name: other,
      Labels: { 'maildock.stack': stack, 'maildock.test': '1' },
    })
    expect((await status()).volumes).toContainEqual({ name: other, exists: true })
    await ok('down', '--volumes')
    expect(await stackResources(docker, stack)).toEqual({
      containers: [],
      networks: [],
      volumes: [],
    })
  })
})
