import { EventEmitter } from 'node:events'
import { afterEach, beforeEach, describe, expect, it, vi, type Mock } from 'vitest'
import { CHECK_EVERY_MS, UpdateFlow, type UpdateNotices } from './update-flow'

/** Stands in for electron-updater's autoUpdater: each call does what the test scripted. */
class FakeUpdater extends EventEmitter {
  autoDownload = true
  checks = 0
  downloads = 0
  installs = 0
  onCheck: () => Promise<unknown> = () => {
    this.emit('update-not-available', { version: '0.1.0' })
    return Promise.resolve(null)
  }
  onDownload: () => Promise<unknown> = () => {
    this.emit('update-downloaded', { version: '0.2.0' })
    return Promise.resolve([])
  }
  checkForUpdates(): Promise<unknown> {
    this.checks += 1
    return this.onCheck()
  }
  downloadUpdate(): Promise<unknown> {
    this.downloads += 1
    return this.onDownload()
  }
  quitAndInstall(): void {
    this.installs += 1
  }
  offer(version: string): void {
    this.onCheck = () => {
      this.emit('update-available', { version })
      return Promise.resolve({ isUpdateAvailable: true })
    }
  }
  fail(error: Error): void {
    // electron-updater emits 'error' and rejects the promise of the failed call.
    this.onCheck = () => {
      this.emit('error', error)
      return Promise.reject(error)
    }
  }
}

interface Shown {
  message: string
  detail?: string
  buttons?: string[]
}

function notices(answers: boolean[]): UpdateNotices & { shown: Shown[] } {
  const shown: Shown[] = []
  return {
    shown,
    ask: (message, detail, buttons) => {
      shown.push({ message, detail, buttons })
      return Promise.resolve(answers.shift() ?? false)
    },
    tell: (message, detail) => {
      shown.push({ message, ...(detail ? { detail } : {}) })
      return Promise.resolve()
    },
  }
}

/** Lets the flow's awaited notices and updater calls run. */
const settle = () => vi.advanceTimersByTimeAsync(0)

describe('update flow', () => {
  let updater: FakeUpdater
  let log: Mock<(message: string, error?: unknown) => void>

  beforeEach(() => {
    vi.useFakeTimers()
    updater = new FakeUpdater()
    log = vi.fn<(message: string, error?: unknown) => void>()
  })
  afterEach(() => vi.useRealTimers())

  it('never downloads on its own', () => {
    new UpdateFlow(updater, notices([]), log)
    expect(updater.autoDownload).toBe(false)
  })

  it('checks at start and then every 12 hours, quietly when there is nothing new', async () => {
    const ui = notices([])
    const flow = new UpdateFlow(updater, ui, log)
    flow.start()
    await settle()
    expect(updater.checks).toBe(1)
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS - 1000)
    expect(updater.checks).toBe(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(updater.checks).toBe(2)
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(updater.checks).toBe(3)
    flow.stop()
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(updater.checks).toBe(3)
    expect(ui.shown).toEqual([])
  })

  it('offers Download / Later and downloads nothing on Later', async () => {
    updater.offer('0.2.0')
    const ui = notices([false])
    new UpdateFlow(updater, ui, log).start()
    await settle()
    expect(ui.shown).toEqual([
      expect.objectContaining({
        message: 'MailDock 0.2.0 is available.',
        buttons: ['Download', 'Later'],
      }),
    ])
    expect(updater.downloads).toBe(0)
    expect(updater.installs).toBe(0)
  })

  it('downloads on Download, then offers Restart now / Later and installs on Restart now', async () => {
    updater.offer('0.2.0')
    const ui = notices([true, true])
    new UpdateFlow(updater, ui, log).start()
    await settle()
    expect(updater.downloads).toBe(1)
    expect(ui.shown[1]).toEqual(
      expect.objectContaining({
        message: 'MailDock 0.2.0 is ready to install.',
        buttons: ['Restart now', 'Later'],
      }),
    )
    expect(updater.installs).toBe(1)
  })

  it('after Later on a downloaded update, checks no more and the menu offers the restart again', async () => {
    updater.offer('0.2.0')
    const ui = notices([true, false, true])
    const flow = new UpdateFlow(updater, ui, log)
    flow.start()
    await settle()
    expect(updater.installs).toBe(0)
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(updater.checks).toBe(1)
    await flow.check(true)
    expect(ui.shown.map((notice) => notice.buttons?.[0])).toEqual([
      'Download',
      'Restart now',
      'Restart now',
    ])
    expect(updater.installs).toBe(1)
  })

  it('asks once while a notice is open, however many checks find the update', async () => {
    updater.offer('0.2.0')
    let answer: (download: boolean) => void = () => {}
    const ui = notices([])
    ui.ask = (message) => {
      ui.shown.push({ message })
      return new Promise((resolve) => (answer = resolve))
    }
    const flow = new UpdateFlow(updater, ui, log)
    flow.start()
    await settle()
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(ui.shown).toHaveLength(1)
    answer(false)
    await settle()
    await vi.advanceTimersByTimeAsync(CHECK_EVERY_MS)
    expect(ui.shown).toHaveLength(2)
  })

  it('only logs a failed check it made on its own', async () => {
    updater.fail(new Error('net::ERR_INTERNET_DISCONNECTED'))
    const ui = notices([])
    new UpdateFlow(updater, ui, log).start()
    await settle()
    expect(ui.shown).toEqual([])
    expect(log).toHaveBeenCalledWith('update: check failed', expect.any(Error))
  })

  it('tells the user who asked from the menu: up to date, or why the check failed', async () => {
    const ui = notices([])
    const flow = new UpdateFlow(updater, ui, log)
    await flow.check(true)
    updater.fail(new Error('No published versions on GitHub'))
    await flow.check(true)
    expect(ui.shown).toEqual([
      { message: "You're up to date." },
      { message: 'Could not check for updates.', detail: 'No published versions on GitHub' },
    ])
  })

  it('tells the user when the download they asked for fails, and offers it again later', async () => {
    updater.offer('0.2.0')
    updater.onDownload = () => Promise.reject(new Error('socket hang up'))
    const ui = notices([true, false])
    const flow = new UpdateFlow(updater, ui, log)
    await flow.check(false)
    await settle()
    expect(ui.shown[1]).toEqual({
      message: 'Could not download the update.',
      detail: 'socket hang up',
    })
    await flow.check(false)
    await settle()
    expect(ui.shown.map((notice) => notice.message)).toEqual([
      'MailDock 0.2.0 is available.',
      'Could not download the update.',
      'MailDock 0.2.0 is available.',
    ])
  })
})
