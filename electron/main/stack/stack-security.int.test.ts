// What a hostile neighbour can reach on a running stack (issue #11): one throw-away stack on the
// real engine with engine-picked ports, checked from the outside.
import { request as httpRequest } from 'node:http'
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
