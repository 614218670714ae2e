import { connect, type AddressInfo } from 'node:net'
import type { Server } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import {
  closeServer,
  healthWaitMs,
  MAX_HEALTH_WAIT_MS,
  startHealthServer,
  type HealthStatus,
} from './health'

let server: Server | undefined
let ready = false
let asked = 0

const status = (): HealthStatus => {
  asked += 1
  return { live: true, ready }
}

async function start(): Promise<string> {
  ready = false
  asked = 0
  server = await startHealthServer(0, status)
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

afterEach(async () => {
  if (server?.listening === true) await closeServer(server)
})

describe('the health server', () => {
  it('holds a check with ?wait= until the service is first ready', async () => {
    const base = await start()
    const held = fetch(`${base}/health?wait=5`)
    await expect.poll(() => asked, { timeout: 5_000 }).toBeGreaterThan(2)
    ready = true
    const response = await held
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ live: true, ready: true })
  })

  it('answers at once once it has been ready, so a later failure shows as before', async () => {
    const base = await start()
    ready = true
    expect((await fetch(`${base}/health`)).status).toBe(200)
    ready = false
    const before = asked
    expect((await fetch(`${base}/health?wait=5`)).status).toBe(503)
    expect(asked).toBe(before + 1)
  })

  it('answers 503 at the end of the wait, and at once without one', async () => {
    const base = await start()
    expect((await fetch(`${base}/health`)).status).toBe(503)
    expect(asked).toBe(1)
    expect((await fetch(`${base}/health?wait=0.2`)).status).toBe(503)
    expect(asked).toBeGreaterThan(2)
    expect((await fetch(`${base}/health/live?wait=5`)).status).toBe(200)
  })

  it('lets a held check go when the server closes', async () => {
    const base = await start()
    const held = fetch(`${base}/health?wait=8`)
    await expect.poll(() => asked, { timeout: 5_000 }).toBeGreaterThan(1)
    await closeServer(server!)
    expect((await held).status).toBe(503)
  })

  it('answers 404 to other paths and to a request target that is no URL', async () => {
    const base = await start()
    expect((await fetch(`${base}/metrics`)).status).toBe(404)
    const { port } = server!.address() as AddressInfo
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.end('GET http://[bad HTTP/1.0\r\n\r\n'),
      )
      let text = ''
      socket.on('data', (chunk: Buffer) => (text += chunk.toString()))
      socket.on('end', () => resolve(text))
      socket.on('error', reject)
    })
    expect(answer).toMatch(/^HTTP\/1\.1 404 /)
    expect((await fetch(`${base}/health`)).status).toBe(503)
  })

  it('reads ?wait= as seconds, within 0 and its limit', () => {
    expect(healthWaitMs('3')).toBe(3_000)
    expect(healthWaitMs('0.5')).toBe(500)
    expect(healthWaitMs('999')).toBe(MAX_HEALTH_WAIT_MS)
    for (const bad of [null, undefined, '', 'soon', '-1', 'Infinity'])
      expect(healthWaitMs(bad)).toBe(0)
  })
})
