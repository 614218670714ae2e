import { createServer, Socket, type Server } from 'node:net'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { coalesceWrites } from './amqp-session'

let server: Server | undefined
const received: Buffer[] = []

afterEach(() => {
  server?.close()
  server = undefined
  received.length = 0
})

async function connectedSocket(): Promise<Socket> {
  server = createServer((peer) => peer.on('data', (chunk: Buffer) => received.push(chunk)))
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const socket = new Socket()
  await new Promise<void>((resolve) => socket.connect(address.port, '127.0.0.1', resolve))
  return socket
}

const tick = () => new Promise((resolve) => process.nextTick(resolve))

describe('coalesceWrites', () => {
  it('sends the frames written in one tick in one write, in order', async () => {
    const socket = await connectedSocket()
    coalesceWrites(socket)
    const writev = vi.spyOn(socket as unknown as { _writev: () => void }, '_writev')
    const writeOne = vi.spyOn(socket as unknown as { _write: () => void }, '_write')
    for (let i = 0; i < 50; i += 1) socket.write(Buffer.from(`frame ${i};`))
    await tick()
    expect(writev).toHaveBeenCalledTimes(1)
    expect(writeOne).not.toHaveBeenCalled()
    socket.write(Buffer.from('next tick;'))
    await tick()
    expect(writev).toHaveBeenCalledTimes(1)
    expect(writeOne).toHaveBeenCalledTimes(1)
    const expected = `${Array.from({ length: 50 }, (_, i) => `frame ${i};`).join('')}next tick;`
    await vi.waitFor(() => expect(Buffer.concat(received).toString()).toBe(expected))
    socket.destroy()
  })

  it('keeps backpressure: false past the high-water mark, then drain', async () => {
    const socket = await connectedSocket()
    coalesceWrites(socket)
    const big = Buffer.alloc(socket.writableHighWaterMark)
    expect(socket.write(big)).toBe(false)
    await new Promise((resolve) => socket.once('drain', resolve))
    expect(socket.writableLength).toBe(0)
    socket.destroy()
  })

  it('leaves anything but a socket alone', () => {
    expect(() => coalesceWrites(undefined)).not.toThrow()
  })
})
