// Smoke test of the desktop app in the real Electron binary (`npm run test:electron`, run by the
// release workflow; these machines have no Electron binary). The built app (out/) is launched with
// playwright-core's Electron driver and a throw-away data dir.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import electronBinary from 'electron'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Envelope, EngineStatus, RawBridge } from '../../shared/contract'

// The window's globals, as page.evaluate callbacks (run in the renderer) see them; this file is
// type-checked without the DOM library.
interface RendererWindow {
  maildock: RawBridge
  Notification: {
    permission: string
    new (title: string, options: { body: string }): { onshow: () => void; onerror: () => void }
  }
}

const dataDir = mkdtempSync(join(tmpdir(), 'maildock-electron-'))
let app: ElectronApplication
let page: Page

beforeAll(async () => {
  app = await _electron.launch({
    executablePath: electronBinary as unknown as string,
    args: [join(import.meta.dirname, '..', '..')],
    env: { ...process.env, MAILDOCK_DATA_DIR: dataDir, ELECTRON_RENDERER_URL: '' },
  })
  page = await app.firstWindow()
})

afterAll(async () => {
  await app?.close().catch(() => undefined)
  rmSync(dataDir, { recursive: true, force: true })
})

describe('the desktop app', () => {
  it('opens its window on the Engine panel, served from app://', async () => {
    expect(page.url()).toBe('app://maildock/index.html')
    await page.getByRole('navigation', { name: 'Panels' }).waitFor()
    await expect
      .poll(() => page.locator('nav [data-active]').first().textContent())
      .toContain('Engine')
  })

  it('round-trips engine:status over real IPC through window.maildock', async () => {
    const envelope = (await page.evaluate(() =>
      (globalThis as unknown as RendererWindow).maildock.call('engine:status', {}),
    )) as Envelope<EngineStatus>
    expect(envelope.ok).toBe(true)
    if (envelope.ok)
      expect(['connected', 'unreachable', 'connecting']).toContain(envelope.result.state)
    const unknown = await page.evaluate(() =>
      (globalThis as unknown as RendererWindow).maildock.call('engine:explode', {}),
    )
    expect(unknown).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } })
  })

  it('lets a Copy button write the clipboard', async () => {
    await app.evaluate(({ clipboard }) => clipboard.writeText('before the copy'))
    await page.getByRole('link', { name: 'Tail' }).click()
    await page.getByRole('button', { name: 'Copy' }).click()
    await expect.poll(() => app.evaluate(({ clipboard }) => clipboard.readText())).toBe('')
  })

  it('may show a desktop notification', async () => {
    const permission = await page.evaluate(
      () => (globalThis as unknown as RendererWindow).Notification.permission,
    )
    expect(permission).toBe('granted')
    const shown = await page.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const notification = new (globalThis as unknown as RendererWindow).Notification(
            'MailDock smoke test',
            { body: 'hello' },
          )
          notification.onshow = () => resolve('shown')
          notification.onerror = () => resolve('error')
          setTimeout(() => resolve('no event'), 5_000)
        }),
    )
    const supported = await app.evaluate(({ Notification }) => Notification.isSupported())
    if (supported) expect(shown).not.toBe('error')
  })

  it('quits cleanly, leaving no process behind', async () => {
    const pid = app.process().pid!
    await app.close()
    expect(() => process.kill(pid, 0)).toThrow()
  })
})
