import { beforeEach, describe, expect, it, vi } from 'vitest'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

type Handler = (...args: unknown[]) => unknown
const created: {
  options: Record<string, unknown>
  handlers: Map<string, Handler>
  openHandler?: Handler
  loaded?: string
}[] = []
const openExternal = vi.fn()

vi.mock('electron', () => {
  class BrowserWindow {
    webContents: Record<string, unknown>
    record: (typeof created)[number]
    constructor(options: Record<string, unknown>) {
      this.record = { options, handlers: new Map() }
      created.push(this.record)
      this.webContents = {
        on: (name: string, handler: Handler) => this.record.handlers.set(name, handler),
        setWindowOpenHandler: (handler: Handler) => (this.record.openHandler = handler),
      }
    }
    once() {}
    on() {}
    maximize() {}
    loadURL(url: string) {
      this.record.loaded = url
      return Promise.resolve()
    }
  }
  return { BrowserWindow, screen: { getAllDisplays: () => [] }, shell: { openExternal } }
})

const { createMainWindow } = await import('./window')

describe('main window', () => {
  beforeEach(() => {
    created.length = 0
    openExternal.mockClear()
  })

  const open = () => {
    createMainWindow({ dataDir: mkdtempSync(join(tmpdir(), 'md-')), preloadPath: '/x/preload.cjs' })
    return created[0]!
  }

  it('is created with an isolated, sandboxed renderer and loads the app scheme', () => {
    const win = open()
    expect(win.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    })
    expect(win.loaded).toBe('app://maildock/index.html')
  })

  it('blocks navigation away from the app', () => {
    const win = open()
    const event = { preventDefault: vi.fn() }
    win.handlers.get('will-navigate')!(event, 'https://evil.example/')
    expect(event.preventDefault).toHaveBeenCalled()
    const inside = { preventDefault: vi.fn() }
    win.handlers.get('will-navigate')!(inside, 'app://maildock/index.html#/stack')
    expect(inside.preventDefault).not.toHaveBeenCalled()
  })

  it('denies new windows and opens only allowed links externally', () => {
    const win = open()
    expect(win.openHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
    expect(openExternal).not.toHaveBeenCalled()
    expect(win.openHandler!({ url: 'http://127.0.0.1:8025/' })).toEqual({ action: 'deny' })
    expect(openExternal).toHaveBeenCalledWith('http://127.0.0.1:8025/')
  })
})
