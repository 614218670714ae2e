// The real preload and the real ipc-bridge, wired through an in-memory ipcRenderer/ipcMain pair
// (test/support/fake-electron-ipc.ts) to the real router.
import { EventEmitter } from 'node:events'
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest'
import {
  MaildockError,
  type EngineStatus,
  type RawBridge,
  type StreamMessage,
} from '../../../shared/contract'
import { IPC_CALL, IPC_STREAM, IPC_SUBSCRIBE, IPC_UNSUBSCRIBE } from '../../../shared/contract/ipc'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { createRouter } from '../router'
import { APP_ORIGIN, isTrustedSender } from './security'

vi.mock(
  'electron',
  async () => (await import('../../../test/support/fake-electron-ipc')).electronModule,
)
const fake = await import('../../../test/support/fake-electron-ipc')
const { bindRouterToIpc } = await import('./ipc-bridge')

const status: EngineStatus = {
  state: 'unreachable',
  endpoint: { kind: 'socket', address: 'unix:///nope.sock', source: 'test' },
  error: 'gone',
  checkedAt: 1,
}

/** The engine's status changes: the one thing the event handler listens to. */
const engineChanges = new EventEmitter()
const watching = (): number => engineChanges.listenerCount('status')

const router = createRouter({
  isTrustedSender: (sender) => isTrustedSender(sender.url, sender.isMainFrame, APP_ORIGIN),
  channels: {
    'engine:status': () => status,
    'engine:retry': () => {
      throw new MaildockError('ENGINE_UNREACHABLE', 'No engine at /nope.sock', { tried: 2 })
    },
  } as Partial<ChannelHandlers> as ChannelHandlers,
  events: {
    'engine:changed': (_input, sink) =>
      new Promise<void>((resolve) => {
        const forward = (next: EngineStatus): void => sink.emit(next)
        engineChanges.on('status', forward)
        sink.signal.addEventListener('abort', () => {
          engineChanges.off('status', forward)
          resolve()
        })
      }),
  } as Partial<EventHandlers> as EventHandlers,
})

const mainListeners = () =>
  [IPC_SUBSCRIBE, IPC_UNSUBSCRIBE]
    .map((c) => fake.ipcMain.listenerCount(c))
    .concat(fake.ipcMain.handlers.size)
const atStart = mainListeners()
const unbind = bindRouterToIpc(router)
await import('../../preload/index')
const bridge = fake.exposed.get('maildock') as RawBridge

function collect(event: string): { messages: StreamMessage[]; stop: () => void } {
  const messages: StreamMessage[] = []
  const stop = bridge.subscribe(event, {}, (message) => messages.push(message))
  return { messages, stop }
}

beforeEach(() => {
  fake.sendFrom(fake.webContents.mainFrame)
})

afterAll(() => unbind())

describe('preload and ipc-bridge', () => {
  it('exposes only the bridge, with one stream listener for every subscription', () => {
    expect([...fake.exposed.keys()]).toEqual(['maildock'])
    expect(Object.keys(bridge).sort()).toEqual(['call', 'subscribe'])
    expect(fake.ipcRenderer.listenerCount(IPC_STREAM)).toBe(1)
  })

  it('round-trips a call', async () => {
    expect(await bridge.call('engine:status', {})).toEqual({ ok: true, result: status })
  })

  it('round-trips an error envelope with its code and details', async () => {
    expect(await bridge.call('engine:retry', {})).toEqual({
      ok: false,
      error: {
        code: 'ENGINE_UNREACHABLE',
        message: 'No engine at /nope.sock',
        details: { tried: 2 },
      },
    })
  })

  it('delivers events until unsubscribed, then leaves no listener behind', async () => {
    const { messages, stop } = collect('engine:changed')
    await vi.waitFor(() => expect(watching()).toBe(1))
    engineChanges.emit('status', status)
    engineChanges.emit('status', { ...status, checkedAt: 2 })
    await vi.waitFor(() => expect(messages).toHaveLength(2))
    expect(messages[1]).toEqual({ type: 'data', data: { ...status, checkedAt: 2 } })
    stop()
    await vi.waitFor(() => expect(watching()).toBe(0))
    engineChanges.emit('status', status)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(messages).toHaveLength(2)
    expect(fake.sent.at(-1)?.channel).toBe(IPC_UNSUBSCRIBE)
    expect(fake.ipcRenderer.listenerCount(IPC_STREAM)).toBe(1)
  })

  it('stops every subscription of a window when its webContents is destroyed', async () => {
    const window = fake.webContents
    const first = collect('engine:changed')
    const second = collect('engine:changed')
    await vi.waitFor(() => expect(watching()).toBe(2))
    expect(window.listenerCount('destroyed')).toBe(1)
    window.destroy()
    expect(watching()).toBe(0)
    expect(window.listenerCount('destroyed')).toBe(0)
    engineChanges.emit('status', status)
    expect([...first.messages, ...second.messages]).toEqual([])
    fake.openWindow()
  })

  it('refuses a call and a subscription from a frame other than the top frame', async () => {
    fake.sendFrom({ url: `${APP_ORIGIN}/index.html` })
    const envelope = await bridge.call('engine:status', {})
    expect(envelope).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER' } })
    const { messages } = collect('engine:changed')
    await vi.waitFor(() => expect(messages).toHaveLength(1))
    expect(messages[0]).toMatchObject({ type: 'error', error: { code: 'FORBIDDEN_SENDER' } })
    expect(watching()).toBe(0)
  })

  it('refuses an unknown channel in the preload, before anything is sent', async () => {
    const before = fake.sent.length
    expect(await bridge.call('engine:explode', {})).toEqual({
      ok: false,
      error: { code: 'UNKNOWN_CHANNEL', message: 'Unknown channel: engine:explode' },
    })
    const { messages } = collect('engine:explosions')
    expect(messages).toMatchObject([{ type: 'error', error: { code: 'UNKNOWN_CHANNEL' } }])
    expect(fake.sent.length).toBe(before)
  })

  it('removes its handlers when unbound, back to where it started', () => {
    expect(mainListeners()).not.toEqual(atStart)
    unbind()
    expect(mainListeners()).toEqual(atStart)
    expect(fake.sent.filter((m) => m.channel === IPC_CALL).length).toBeGreaterThan(0)
  })
})
