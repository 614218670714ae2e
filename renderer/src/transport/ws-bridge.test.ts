import { describe, expect, it, vi } from 'vitest'
import type { StreamMessage } from '../../../shared/contract'
import { FakeSocket, stubWebSocketEachTest } from '../test/fake-socket'
import { browserModeSocketUrl, createWebSocketBridge, takeToken } from './ws-bridge'

describe('browser mode token', () => {
  it('moves the token from the fragment into session storage and out of the address bar', () => {
    window.history.replaceState(null, '', '/#token=abc-123')
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('abc-123')
    expect(window.location.href).not.toContain('token')
    expect(document.cookie).toBe('')
    // A reload of the same tab keeps the session; the WebSocket URL carries the token.
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('abc-123')
    expect(browserModeSocketUrl(window.location, 'abc-123')).toBe(
      `ws://${window.location.host}/ws?token=abc-123`,
    )
  })

  it('also takes ?token= and replaces an older token', () => {
    window.history.replaceState(null, '', '/?token=newer')
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('newer')
    expect(window.location.search).toBe('')
  })
})

describe('browser mode WebSocket bridge', () => {
  stubWebSocketEachTest()
  const latest = (): FakeSocket => FakeSocket.made.at(-1)!

  it('answers a call with its result frame, ok or not', async () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws')
    latest().open()
    const first = bridge.call('engine:ping', { a: 1 })
    const second = bridge.call('engine:ping', {})
    await vi.advanceTimersByTimeAsync(0)
    expect(latest().sentFrames()).toEqual([
      { type: 'call', id: 1, channel: 'engine:ping', input: { a: 1 } },
      { type: 'call', id: 2, channel: 'engine:ping', input: {} },
    ])
    latest().receive({ type: 'result', id: 2, ok: false, error: { code: 'X', message: 'no' } })
    latest().receive({ type: 'result', id: 1, ok: true, result: 'pong' })
    await expect(first).resolves.toEqual({ ok: true, result: 'pong' })
    await expect(second).resolves.toEqual({ ok: false, error: { code: 'X', message: 'no' } })
  })

  it('waits for the socket to open, and gives up after 10 s with UNAVAILABLE', async () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws')
    const waited = bridge.call('engine:ping', {})
    await vi.advanceTimersByTimeAsync(1_000)
    latest().open()
    await vi.advanceTimersByTimeAsync(50)
    expect(latest().sentFrames()).toEqual([
      { type: 'call', id: 1, channel: 'engine:ping', input: {} },
    ])
    latest().receive({ type: 'result', id: 1, ok: true, result: 1 })
    await expect(waited).resolves.toEqual({ ok: true, result: 1 })

    latest().drop()
    const failed = bridge.call('engine:ping', {})
    await vi.advanceTimersByTimeAsync(10_100)
    await expect(failed).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAVAILABLE', message: expect.stringContaining('not reachable') },
    })
  })

  it('fails pending calls on a lost connection and reconnects with growing delays', async () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws')
    latest().open()
    const call = bridge.call('engine:ping', {})
    await vi.advanceTimersByTimeAsync(0)
    latest().drop()
    await expect(call).resolves.toEqual({
      ok: false,
      error: { code: 'UNAVAILABLE', message: 'Lost the connection to the MailDock server' },
    })
    expect(FakeSocket.made).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeSocket.made).toHaveLength(2)
    latest().drop()
    await vi.advanceTimersByTimeAsync(499)
    expect(FakeSocket.made).toHaveLength(2)
    await vi.advanceTimersByTimeAsync(1)
    expect(FakeSocket.made).toHaveLength(3)
    // An open resets the backoff.
    latest().open()
    latest().drop()
    await vi.advanceTimersByTimeAsync(250)
    expect(FakeSocket.made).toHaveLength(4)
  })

  it('delivers stream frames, ends a stream on error or end, and resubscribes after a reconnect', async () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws')
    latest().open()
    const live: StreamMessage[] = []
    const ended: StreamMessage[] = []
    const stop = bridge.subscribe('logs:tail', { history: 1 }, (m) => live.push(m))
    bridge.subscribe('engine:events', {}, (m) => ended.push(m))
    expect(latest().sentFrames()).toEqual([
      { type: 'subscribe', id: 1, event: 'logs:tail', input: { history: 1 } },
      { type: 'subscribe', id: 2, event: 'engine:events', input: {} },
    ])
    latest().receive({ type: 'event', id: 1, data: 'a' })
    latest().receive({ type: 'error', id: 2, error: { code: 'X', message: 'gone' } })
    latest().receive({ type: 'event', id: 2, data: 'late' })
    latest().receive({ type: 'error', id: null, error: { code: 'Y', message: 'bad frame' } })
    expect(live).toEqual([{ type: 'data', data: 'a' }])
    expect(ended).toEqual([{ type: 'error', error: { code: 'X', message: 'gone' } }])

    latest().drop()
    await vi.advanceTimersByTimeAsync(250)
    latest().open()
    expect(latest().sentFrames()).toEqual([
      { type: 'subscribe', id: 1, event: 'logs:tail', input: { history: 1 } },
    ])
    latest().receive({ type: 'end', id: 1 })
    expect(live).toEqual([{ type: 'data', data: 'a' }, { type: 'end' }])
    stop()
    expect(latest().sentFrames()).toHaveLength(1)
  })

  it('unsubscribes a live stream', () => {
    const bridge = createWebSocketBridge('ws://127.0.0.1:1/ws')
    latest().open()
    const stop = bridge.subscribe('logs:tail', {}, () => undefined)
    stop()
    stop()
    expect(latest().sentFrames()).toEqual([
      { type: 'subscribe', id: 1, event: 'logs:tail', input: {} },
      { type: 'unsubscribe', id: 1 },
    ])
  })
})
