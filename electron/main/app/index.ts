import { app, BrowserWindow, protocol, session } from 'electron'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { MESSAGE_DOCUMENT_SCHEME } from '../../../shared/contract'
import { createCore, type Core } from '../core'
import { bindRouterToIpc } from './ipc-bridge'
import { installMenu } from './menu'
import { messageDocumentResponse } from './message-protocol'
import { createAppSecretStore } from './secrets'
import { APP_SCHEME, isTrustedSender, rendererOrigin } from './security'
import { hardenSession, rendererResponse } from './session-policy'
import { startUpdates } from './updates'
import { createMainWindow, preloadPath } from './window'
import { logToConsole } from '../lib/console-log'

const mainDir = dirname(fileURLToPath(import.meta.url))
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL
const origin = rendererOrigin(devServerUrl)

protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  // The Mailbox's message documents: framed (sandboxed) by the renderer, never fetched by script.
  { scheme: MESSAGE_DOCUMENT_SCHEME, privileges: { standard: true, secure: true } },
])

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let core: Core | undefined
  let window: BrowserWindow | undefined

  app.on('second-instance', () => {
    if (window?.isMinimized()) window.restore()
    window?.focus()
  })

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-attach-webview', (e) => e.preventDefault())
  })

  void app.whenReady().then(() => {
    const rendererDir = `${mainDir}/../renderer`
    protocol.handle(APP_SCHEME, (request) => rendererResponse(rendererDir, request))
    hardenSession(session.defaultSession, origin)
    const dataDir = process.env.MAILDOCK_DATA_DIR ?? app.getPath('userData')
    core = createCore({
      env: { ...process.env, MAILDOCK_DATA_DIR: dataDir },
      isTrustedSender: (sender) => isTrustedSender(sender.url, sender.isMainFrame, origin),
      log: logToConsole,
      secrets: createAppSecretStore(dataDir),
      ...(app.isPackaged ? { stackDir: join(process.resourcesPath, 'stack') } : {}),
      packaged: app.isPackaged,
    })
    bindRouterToIpc(core.router)
    const documents = core
    protocol.handle(MESSAGE_DOCUMENT_SCHEME, (request) =>
      messageDocumentResponse(documents, request, origin),
    )
    // Updates only for an installed app: an unpackaged run has nothing to update from.
    const updates = app.isPackaged ? startUpdates(() => window, logToConsole) : undefined
    installMenu({
      isDev: !app.isPackaged,
      ...(updates ? { checkForUpdates: () => void updates.check(true) } : {}),
    })
    const open = (): void => {
      window = createMainWindow({
        dataDir,
        preloadPath: preloadPath(mainDir),
        ...(devServerUrl ? { devServerUrl } : {}),
      })
    }
    open()
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) open()
    })
  })

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })

  app.on('before-quit', () => {
    void core?.dispose()
  })
}
