import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sleep } from '../../../shared/backoff'
import { tcpCheckScript } from './definition'

let dir: string
let server: Server | undefined

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-tcp-check-'))
})

afterEach(() => {
  server?.close()
  rmSync(dir, { recursive: true, force: true })
})

const check = (port: number, marker: string, holdSeconds = 0): Promise<number> =>
  new Promise((resolve) => {
    execFile('bash', ['-c', tcpCheckScript(port, marker, holdSeconds)], (error) =>
      resolve(error === null ? 0 : Number(error.code ?? 1)),
    )
  })

async function listen(port = 0): Promise<number> {
  const listening = createServer((socket) => socket.destroy())
  server = listening
  await new Promise<void>((resolve) => listening.listen(port, '127.0.0.1', resolve))
  return (listening.address() as AddressInfo).port
}

describe('the TCP health check (the broker)', () => {
  it('waits for the port to open the first time, then notes that it passed', async () => {
    const port = await listen()
    await new Promise<void>((resolve) => server!.close(() => resolve()))
    const marker = join(dir, 'was-ready')
    const result = check(port, marker)
    await sleep(500)
    await listen(port)
    expect(await result).toBe(0)
    expect(existsSync(marker)).toBe(true)
  })

  it('tries once after it has passed, and fails when nothing listens', async () => {
    const port = await listen()
    const marker = join(dir, 'was-ready')
    expect(await check(port, marker)).toBe(0)
    await new Promise<void>((resolve) => server!.close(() => resolve()))
    expect(await check(port, marker)).toBe(1)
  })

  it('after it has passed, waits before it tries: a port that opens meanwhile passes', async () => {
    const port = await listen()
    const marker = join(dir, 'was-ready')
    expect(await check(port, marker)).toBe(0)
    await new Promise<void>((resolve) => server!.close(() => resolve()))
    const result = check(port, marker, 2)
    await sleep(300)
    await listen(port)
    expect(await result).toBe(0)
  })
})
