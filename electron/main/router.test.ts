import { describe, expect, it, vi } from 'vitest'
import { MaildockError, type EngineStatus, type StreamMessage } from '../../shared/contract'
import type { ChannelHandlers, EventHandlers } from './lib/handlers'
import { createRouter } from './router'

const trusted = { url: 'app://maildock/index.html', isMainFrame: true }
const status: EngineStatus = {
  state: 'unreachable',
  endpoint: { kind: 'socket', address: 'unix:///nope.sock', source: 'test' },
  error: 'gone',
  checkedAt: 1,
}

function makeRouter(overrides: Partial<ChannelHandlers> = {}, events: Partial<EventHandlers> = {}) {
  // Only the channels these tests call; the router looks handlers up by name at call time.
  const channels = {
    'engine:status': () => status,
    'engine:retry': () => status,
    ...overrides,
  } as ChannelHandlers
  const allEvents = {
    'engine:changed': (_input, sink) => sink.emit(status),
    ...events,
  } as EventHandlers
  return createRouter({
    channels,
    events: allEvents,
    isTrustedSender: (sender) => sender.isMainFrame && sender.url.startsWith('app://maildock/'),
  })
}

describe('router', () => {
  it('answers a valid call with the handler result', async () => {
    const envelope = await makeRouter().call('engine:status', {}, { sender: trusted })
    expect(envelope).toEqual({ ok: true, result: status })
  })

  it('refuses invalid input with an error naming the field', async () => {
    const handler = vi.fn(() => status)
    const router = makeRouter({ 'engine:status': handler })
    const envelope = await router.call('engine:status', { bogus: 1 }, { sender: trusted })
    expect(envelope.ok).toBe(false)
    if (envelope.ok) return
    expect(envelope.error.code).toBe('INVALID_INPUT')
    expect(envelope.error.message).toContain('bogus')
    expect(handler).not.toHaveBeenCalled()
  })

  it('delivers a thrown error as {code, message}', async () => {
    const router = makeRouter({
      'engine:retry': () => {
        throw new MaildockError('ENGINE_UNREACHABLE', 'No engine at /nope.sock')
      },
    })
    const envelope = await router.call('engine:retry', {}, { sender: trusted })
    expect(envelope).toEqual({
      ok: false,
      error: { code: 'ENGINE_UNREACHABLE', message: 'No engine at /nope.sock' },
    })
  })

  it('wraps a plain Error as INTERNAL with its message', async () => {
    const router = makeRouter({
      'engine:retry': () => Promise.reject(new Error('socket hang up')),
    })
    const envelope = await router.call('engine:retry', {}, { sender: trusted })
    expect(envelope).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'socket hang up' } })
  })

  it('reports a handler result outside the contract as INTERNAL, naming the field', async () => {
    const router = makeRouter({ 'engine:status': () => ({ state: 'connected' }) as never })
    const envelope = await router.call('engine:status', {}, { sender: trusted })
    expect(envelope.ok).toBe(false)
    if (envelope.ok) return
    expect(envelope.error.code).toBe('INTERNAL')
    expect(envelope.error.message).toMatch(/^engine:status returned data outside its contract \(/)
    expect(envelope.error.message).toContain('endpoint')
  })

  it('refuses an unknown channel', async () => {
    const envelope = await makeRouter().call('engine:format-disk', {}, { sender: trusted })
    expect(envelope.ok).toBe(false)
    if (!envelope.ok) expect(envelope.error.code).toBe('UNKNOWN_CHANNEL')
  })

  it('refuses inherited object keys as channel names', async () => {
    const envelope = await makeRouter().call('constructor', {}, { sender: trusted })
    expect(envelope.ok).toBe(false)
    if (!envelope.ok) expect(envelope.error.code).toBe('UNKNOWN_CHANNEL')
  })

  it('refuses a message from an unexpected sender frame before the handler runs', async () => {
    const handler = vi.fn(() => status)
    const router = makeRouter({ 'engine:status': handler })
    const fromIframe = { url: 'app://maildock/index.html', isMainFrame: false }
    const fromElsewhere = { url: 'https://evil.example/', isMainFrame: true }
    for (const sender of [fromIframe, fromElsewhere]) {
      const envelope = await router.call('engine:status', {}, { sender })
      expect(envelope.ok).toBe(false)
      if (!envelope.ok) expect(envelope.error.code).toBe('FORBIDDEN_SENDER')
    }
    expect(handler).not.toHaveBeenCalled()
  })

  it('streams events until unsubscribed, and the abort reaches the handler', async () => {
    let aborted = false
    const router = makeRouter(
      {},
      {
        'engine:changed': (_input, sink) =>
          new Promise<void>((resolve) => {
            sink.emit(status)
            sink.signal.addEventListener('abort', () => {
              aborted = true
              resolve()
            })
          }),
      },
    )
    const messages: StreamMessage[] = []
    const unsubscribe = router.subscribe('engine:changed', {}, { sender: trusted }, (m) =>
      messages.push(m),
    )
    await vi.waitFor(() => expect(messages).toHaveLength(1))
    unsubscribe()
    expect(aborted).toBe(true)
    expect(messages[0]).toEqual({ type: 'data', data: status })
  })

  it('ends a subscription with an error for an unknown event or a forbidden sender', () => {
    const router = makeRouter()
    const messages: StreamMessage[] = []
    router.subscribe('engine:nope', {}, { sender: trusted }, (m) => messages.push(m))
    router.subscribe('engine:changed', {}, { sender: { url: 'x', isMainFrame: true } }, (m) =>
      messages.push(m),
    )
    expect(messages.map((m) => (m.type === 'error' ? m.error.code : m.type))).toEqual([
      'UNKNOWN_CHANNEL',
      'FORBIDDEN_SENDER',
    ])
  })
})
