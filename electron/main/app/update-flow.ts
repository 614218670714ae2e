// When MailDock looks for updates and what it asks the user. Knows nothing of Electron: the updater
// (electron-updater's autoUpdater in the app) and the notices are passed in.
import type { EventEmitter } from 'node:events'
import { errorMessage } from '../../../shared/error-message'

/** The part of electron-updater's AppUpdater this flow drives. */
export interface Updater extends EventEmitter {
  autoDownload: boolean
  checkForUpdates(): Promise<unknown>
  downloadUpdate(): Promise<unknown>
  quitAndInstall(): void
}

export interface UpdateNotices {
  /** Shows a notice with two buttons; true when the user chose the first. */
  ask(message: string, detail: string, buttons: [string, string]): Promise<boolean>
  tell(message: string, detail?: string): Promise<void>
}

export const CHECK_EVERY_MS = 12 * 60 * 60 * 1000

type State = 'idle' | 'offering' | 'downloading' | 'downloaded'

function versionOf(info: unknown): string {
  const version = (info as { version?: unknown } | undefined)?.version
  return typeof version === 'string' ? ` ${version}` : ''
}

export class UpdateFlow {
  private state: State = 'idle'
  private manualCheck = false
  private downloaded: unknown
  private timer: ReturnType<typeof setInterval> | undefined

  constructor(
    private readonly updater: Updater,
    private readonly notices: UpdateNotices,
    private readonly log: (message: string, error?: unknown) => void,
  ) {
    // Never download without asking.
    updater.autoDownload = false
    // The updater also rejects the promise of the call that failed; that is where errors are
    // reported. Without a listener an 'error' event would throw.
    updater.on('error', (error: unknown) => this.log('update: updater error', error))
    updater.on('update-available', (info: unknown) => void this.offerDownload(info))
    updater.on('update-not-available', () => {
      if (this.manualCheck) void this.notices.tell("You're up to date.")
    })
    updater.on('update-downloaded', (info: unknown) => {
      this.state = 'downloaded'
      this.downloaded = info
      void this.offerRestart()
    })
  }

  /** Checks now, then every 12 hours. */
  start(): void {
    void this.check(false)
    this.timer = setInterval(() => void this.check(false), CHECK_EVERY_MS)
    this.timer.unref?.()
  }

  stop(): void {
    clearInterval(this.timer)
  }

  /** `manual`: the user asked (menu), so "up to date" and failures are shown, not only logged. */
  async check(manual: boolean): Promise<void> {
    if (this.state === 'downloaded') {
      if (manual) await this.offerRestart()
      return
    }
    if (this.state !== 'idle') {
      if (manual) await this.notices.tell('An update is already on its way.')
      return
    }
    this.manualCheck = manual
    try {
      await this.updater.checkForUpdates()
    } catch (error) {
      this.log('update: check failed', error)
      if (manual) await this.notices.tell('Could not check for updates.', errorMessage(error))
    } finally {
      this.manualCheck = false
    }
  }

  private async offerDownload(info: unknown): Promise<void> {
    if (this.state !== 'idle') return
    this.state = 'offering'
    const download = await this.notices.ask(
      `MailDock${versionOf(info)} is available.`,
      'Download it now? You choose when to restart once it is downloaded.',
      ['Download', 'Later'],
    )
    if (!download) {
      this.state = 'idle'
      return
    }
    this.state = 'downloading'
    try {
      await this.updater.downloadUpdate()
    } catch (error) {
      this.state = 'idle'
      this.log('update: download failed', error)
      await this.notices.tell('Could not download the update.', errorMessage(error))
    }
  }

  private async offerRestart(): Promise<void> {
    const restart = await this.notices.ask(
      `MailDock${versionOf(this.downloaded)} is ready to install.`,
      'Restart now to install it, or later: it is installed when you quit MailDock.',
      ['Restart now', 'Later'],
    )
    if (restart) this.updater.quitAndInstall()
  }
}
