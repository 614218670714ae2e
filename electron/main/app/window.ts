import { BrowserWindow, screen, shell } from 'electron'
import { join } from 'node:path'
import { isAllowedExternalUrl, rendererOrigin, APP_ORIGIN } from './security'
import { windowStateStore } from './window-state'

export function createMainWindow(options: {
  dataDir: string
  preloadPath: string
  devServerUrl?: string
}): BrowserWindow {
  const state = windowStateStore(options.dataDir)
  const bounds = state.load()
  const onScreen =
    bounds.x === undefined ||
    screen
      .getAllDisplays()
      .some(
        ({ workArea: a }) =>
          bounds.x! >= a.x &&
          bounds.y! >= a.y &&
          bounds.x! < a.x + a.width &&
          bounds.y! < a.y + a.height,
      )
  const window = new BrowserWindow({
    ...(onScreen ? bounds : { width: bounds.width, height: bounds.height }),
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'MailDock',
    webPreferences: {
      // Reviewed: the preload exposes only window.maildock, built from the contract.
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
      spellcheck: false,
    },
  })
  if (bounds.maximized) window.maximize()
  window.once('ready-to-show', () => window.show())
  window.on('close', () =>
    state.save({ ...window.getNormalBounds(), maximized: window.isMaximized() }),
  )

  const origin = rendererOrigin(options.devServerUrl)
  const contents = window.webContents
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${origin}/`)) event.preventDefault()
  })
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${origin}/`)) event.preventDefault()
  })
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    // Reviewed: only http(s) URLs on the allow-list reach the OS browser.
    if (isAllowedExternalUrl(url)) void shell.openExternal(url) // eng-disable OPEN_EXTERNAL_JS_CHECK
    return { action: 'deny' }
  })

  void window.loadURL(options.devServerUrl ?? `${APP_ORIGIN}/index.html`)
  return window
}

export const preloadPath = (mainDir: string): string => join(mainDir, '../preload/index.cjs')
