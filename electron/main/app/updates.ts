// Updates of the installed app: electron-updater with the GitHub provider (the `publish` section of
// electron-builder.yml, written into the installer as app-update.yml), with native notices.
import { dialog, type BrowserWindow, type MessageBoxOptions } from 'electron'
import electronUpdater from 'electron-updater'
import { UpdateFlow, type UpdateNotices } from './update-flow'

function notices(window: () => BrowserWindow | undefined): UpdateNotices {
  const show = async (options: MessageBoxOptions): Promise<number> => {
    const parent = window()
    const options_ = { title: 'MailDock update', noLink: true, ...options }
    const { response } = parent
      ? await dialog.showMessageBox(parent, options_)
      : await dialog.showMessageBox(options_)
    return response
  }
  return {
    ask: async (message, detail, buttons) =>
      (await show({ type: 'info', message, detail, buttons, defaultId: 0, cancelId: 1 })) === 0,
    tell: async (message, detail) => {
      await show({ type: 'info', message, ...(detail ? { detail } : {}), buttons: ['OK'] })
    },
  }
}

/** Only for a packaged app: an unpackaged run has no app-update.yml and nothing to update. */
export function startUpdates(
  window: () => BrowserWindow | undefined,
  log: (message: string, error?: unknown) => void,
): UpdateFlow {
  const flow = new UpdateFlow(electronUpdater.autoUpdater, notices(window), log)
  flow.start()
  return flow
}
