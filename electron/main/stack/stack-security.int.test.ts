// What a hostile neighbour can reach on a running stack (issue #11): one throw-away stack on the
// real engine with engine-picked ports, checked from the outside.
import { request as httpRequest } from 'node:http'
import { connect } from 'amqplib'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StackStatus } from '../../../shared/contract'
import { hostileRequests } from '../../../resources/stack/test/hostile-requests'
import { countBy, inBatches, sendRaw } from '../../../resources/stack/test/raw-http'
import {
  openStack,
  pinTestInputs,
  postEmail,
  publishedUrl,
  removeStack,
  stackEnv,
  uniqueStackName,
  waitForMessage,
  type PinnedInputs,
  type TestStack,
} from '../../../test/support/stack'
import { FileSecretStore } from '../settings'
import { readContainerFile } from './container-files'
import { storedCredentials } from './credentials'
import { LABELS } from '../../../shared/labels'

const docker = new Docker()
const name = uniqueStackName('mds')
let stack: TestStack
let status: StackStatus
let pinned: PinnedInputs | undefined
let builtImages: string[] = []

/** A request with a Host header of our choosing (fetch does not let one set it). */
function statusWithHost(url: string, host: string, method = 'GET', body?: string) {
  const target = new URL(url)
  return new Promise<number>((resolve, reject) => {
    const request = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method,
        headers: { host, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      },
      (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      },
    )
    request.on('error', reject)
    request.end(body)
  })
}

beforeAll(async () => {
  pinned = await pinTestInputs(docker, name)
  stack = await openStack(stackEnv(name, pinned.env))
  const result = await stack.manager.up()
  builtImages = result.changes.builtImages
  status = await stack.manager.status()
})

afterAll(async () => {
  await removeStack(docker, name)
  stack?.close()
  for (const image of builtImages)
    await docker
      .getImage(image)
      .remove()
      .catch(() => undefined)
  await pinned?.cleanup()
})

describe('a running stack and hostile neighbours', () => {
  it('answers 421 to a rebound Host on the API and the catcher, and serves loopback names', async () => {
    const api = publishedUrl(status, 'api', 3000)
    const catcher = publishedUrl(status, 'catcher', 8025)
    const email = JSON.stringify({ to: 'victim@example.com', subject: 'rebound', text: 't' })
    const port = new URL(api).port
    expect(await statusWithHost(`${api}/emails`, `evil.example:${port}`, 'POST', email)).toBe(421)
    expect(await statusWithHost(`${api}/health`, 'evil.example')).toBe(421)
    const catcherPort = new URL(catcher).port
    expect(await statusWithHost(`${catcher}/api/v1/messages`, `evil.example:${catcherPort}`)).toBe(
      421,
    )
    expect(await statusWithHost(`${catcher}/api/v1/messages`, 'evil.example', 'DELETE')).toBe(421)
    expect(await statusWithHost(`${api}/health`, `localhost:${port}`)).toBe(200)
    expect(await statusWithHost(`${catcher}/api/v1/messages`, `[::1]:${catcherPort}`)).toBe(200)
    // The app's own path still works end to end (127.0.0.1:PORT).
    const subject = `host-guard ${name}`
    await postEmail(api, subject)
    await waitForMessage(catcher, subject)
  })

  it('keeps serving the real API container through 300 hostile requests, with no 5xx', async () => {
    const api = publishedUrl(status, 'api', 3000)
    const port = Number(new URL(api).port)
    const requests = hostileRequests(300, 7, `127.0.0.1:${port}`)
    const outcomes = await inBatches(requests, 8, async (request) => ({
      kind: request.kind,
      outcome: await sendRaw(port, request, request.kind === 'lying Content-Length' ? 400 : 30_000),
    }))
    console.log(
      'API container fuzz, answers:',
      countBy(outcomes, (o) => String(o.outcome)),
    )
    expect(outcomes.filter((o) => typeof o.outcome === 'number' && o.outcome >= 500)).toEqual([])
    const health = await fetch(`${api}/health`)
    expect(health.status).toBe(200)
    const current = await stack.manager.status()
    expect(current.services.find((s) => s.service === 'api')?.instances[0]?.restarts ?? 0).toBe(0)
  })
})

describe("the stack's secrets and broker users", () => {
  const credentials = async () => {
    const stored = await storedCredentials(FileSecretStore.inDataDir(stack.dataDir), name, {})
    if (stored === null) throw new Error('no stored credentials')
    return stored
  }
  const brokerUrl = (user: string, password: string) => {
    const port = new URL(publishedUrl(status, 'broker', 5672)).port
    return `amqp://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}`
  }

  it('shows no broker password in docker inspect of any container, and still delivers and logs', async () => {
    const { brokerPassword, servicePasswords } = await credentials()
    const passwords = [brokerPassword, ...Object.values(servicePasswords)]
    const containers = await docker.listContainers({
      all: true,
      filters: { label: [`${LABELS.stack}=${name}`] },
    })
    expect(containers.map((c) => c.Labels[LABELS.service]).sort()).toEqual([
      'api',
      'broker',
      'catcher',
      'emailer',
      'logger',
    ])
    for (const container of containers) {
      const inspected = JSON.stringify(await docker.getContainer(container.Id).inspect())
      for (const password of passwords) expect(inspected).not.toContain(password)
    }
    const subject = `secrets ${name}`
    const id = await postEmail(publishedUrl(status, 'api', 3000), subject)
    await waitForMessage(publishedUrl(status, 'catcher', 8025), subject)
    const logger = containers.find((c) => c.Labels[LABELS.service] === 'logger')!
    const deadline = Date.now() + 60_000
    let log: string | null = null
    while (!(log ?? '').includes(id) && Date.now() < deadline) {
      log = await readContainerFile(docker, logger.Id, '/data/events.log')
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
    expect(log).toContain(id)
  })

  it('gives each service only its own queue: the api cannot consume the emailer queue', async () => {
    const { servicePasswords } = await credentials()
    const refusal = async (user: string, password: string, queue: string) => {
      const connection = await connect(brokerUrl(user, password))
      connection.on('error', () => undefined)
      try {
        const channel = await connection.createChannel()
        channel.on('error', () => undefined)
        return await channel
          .consume(queue, () => undefined)
          .then(
            () => 'consumed',
            (error: Error) => error.message,
          )
      } finally {
        await connection.close().catch(() => undefined)
      }
    }
    // Connecting works (the password is right); consuming is refused.
    expect(await refusal('api', servicePasswords.api, 'maildock.emailer')).toMatch(
      /ACCESS_REFUSED - access to queue 'maildock.emailer' .* refused for user 'api'/,
    )
    expect(await refusal('emailer', servicePasswords.emailer, 'maildock.logger')).toMatch(
      /ACCESS_REFUSED - access to queue 'maildock.logger' .* refused for user 'emailer'/,
    )
    // The image's guest account, if created, stays on the container's loopback.
    await expect(connect(brokerUrl('guest', 'guest'))).rejects.toThrow(/ACCESS_REFUSED|403/)
  })
})
