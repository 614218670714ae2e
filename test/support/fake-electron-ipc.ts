// An in-memory stand-in for Electron's ipcRenderer/ipcMain pair and one window's webContents, for
// unit tests of the real preload and the real ipc-bridge. Arguments cross as structured clones, as
// they do over Electron IPC.
import { EventEmitter } from 'node:events'

type Listener = (event: unknown, ...args: unknown[]) => void
type Handler = (event: unknown, ...args: unknown[]) => unknown

export interface FakeFrame {
  url: string
}

class FakeWebContents extends EventEmitter {
  readonly mainFrame: FakeFrame = { url: 'app://maildock/index.html' }
  private destroyed = false

  isDestroyed(): boolean {
    return this.destroyed
  }

  send(channel: string, ...args: unknown[]): void {
    if (this.destroyed) throw new Error('Object has been destroyed')
    ipcRenderer.emit(channel, { sender: ipcRenderer }, ...structuredClone(args))
  }

  destroy(): void {
    this.destroyed = true
    this.emit('destroyed')
  }
}

export let webContents = new FakeWebContents()
/** The frame the renderer's messages come from (the window's top frame unless a test says). */
export let senderFrame: FakeFrame = webContents.mainFrame

/** A new window: what a renderer sends after this comes from its top frame. */
export function openWindow(): FakeWebContents {
  webContents = new FakeWebContents()
  senderFrame = webContents.mainFrame
  return webContents
}

export function sendFrom(frame: FakeFrame): void {
  senderFrame = frame
}

const mainEvent = () => ({ sender: webContents, senderFrame })

class FakeIpcMain extends EventEmitter {
  readonly handlers = new Map<string, Handler>()

  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`a handler for ${channel} is already there`)
    this.handlers.set(channel, handler)
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel)
  }
}

export const ipcMain = new FakeIpcMain()

/** Every message the renderer side put on the wire, in order. */
export const sent: Array<{ channel: string; args: unknown[] }> = []

class FakeIpcRenderer extends EventEmitter {
  async invoke(channel: string, ...args: unknown[]): Promise<unknown> {
    sent.push({ channel, args })
    const handler = ipcMain.handlers.get(channel)
    if (!handler) throw new Error(`No handler registered for '${channel}'`)
    return structuredClone(await handler(mainEvent(), ...structuredClone(args)))
  }

  send(channel: string, ...args: unknown[]): void {
    sent.push({ channel, args })
    const event = mainEvent()
    const copy = structuredClone(args)
    queueMicrotask(() => ipcMain.emit(channel, event, ...copy))
  }

  override on(channel: string, listener: Listener): this {
    return super.on(channel, listener)
  }
}

export const ipcRenderer = new FakeIpcRenderer()

/** What the preload handed to contextBridge.exposeInMainWorld. */
export const exposed = new Map<string, unknown>()

export const electronModule = {
  ipcMain,
  ipcRenderer,
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api),
  },
}
