import { describe, expect, it, vi } from 'vitest'
import { FakeSocket, stubWebSocketEachTest } from '../test/fake-socket'
import { openWorkerSocket, serveSocketWorker, type FromWorker, type ToWorker } from './ws-link'

/** A worker whose other end runs serveSocketWorker in this thread (messages delivered at once). */
function fakeWorker() {
  const scope = {
    onmessage: null as ((event: MessageEvent<ToWorker>) => void) | null,
    postMessage: (message: FromWorker) =>
      worker.onmessage?.({ data: message } as MessageEvent<FromWorker>),
  }
  const worker = {
    onmessage: null as ((event: MessageEvent<FromWorker>) => void) | null,
    postMessage: (message: ToWorker) =>
      scope.onmessage?.({ data: message } as MessageEvent<ToWorker>),
  }
  serveSocketWorker(scope)
  return worker as unknown as Worker
}

describe('the socket in a worker', () => {
  stubWebSocketEachTest()

  it('opens, sends, hands frames over as text, and reconnects after a close', () => {
    const events = { open: vi.fn(), frame: vi.fn(), close: vi.fn() }
    const link = openWorkerSocket('ws://127.0.0.1:1/ws', events, fakeWorker())
    const socket = FakeSocket.made[0]!
    expect(socket.url).toBe('ws://127.0.0.1:1/ws')
    expect(link.send('early')).toBe(false)
    socket.open()
    expect(events.open).toHaveBeenCalledTimes(1)
    expect(link.send('{"type":"call"}')).toBe(true)
    expect(socket.sent).toEqual(['{"type":"call"}'])
    socket.receive('{"type":"event"}')
    expect(events.frame).toHaveBeenCalledWith('{"type":"event"}')
    socket.drop()
    expect(events.close).toHaveBeenCalledTimes(1)
    expect(link.send('later')).toBe(false)
    vi.advanceTimersByTime(250)
    expect(FakeSocket.made).toHaveLength(2)
  })
})
