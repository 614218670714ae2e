import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './security'

// net.fetch reads file:// URLs the way Electron's does (the real one needs the Electron binary).
vi.mock('electron', () => ({
  net: {
    fetch: async (url: string) =>
      new Response(await readFile(fileURLToPath(url)), {
        headers: { 'content-type': 'text/html', 'content-security-policy': 'default-src *' },
      }),
  },
}))

const { hardenSession, rendererResponse } = await import('./session-policy')

type RequestHandler = (
  contents: unknown,
  permission: string,
  callback: (granted: boolean) => void,
  details: { requestingUrl: string; isMainFrame: boolean },
) => void
type CheckHandler = (
  contents: unknown,
  permission: string,
  requestingOrigin: string,
  details: { requestingUrl?: string; isMainFrame: boolean },
) => boolean

/** A session that keeps the handlers hardenSession installs. */
function fakeSession() {
  const handlers: { request?: RequestHandler; check?: CheckHandler; headers?: unknown } = {}
  const session = {
    setPermissionRequestHandler: (handler: RequestHandler) => (handlers.request = handler),
    setPermissionCheckHandler: (handler: CheckHandler) => (handlers.check = handler),
    webRequest: { onHeadersReceived: (handler: unknown) => (handlers.headers = handler) },
  }
  return { session, handlers }
}

const ALL_PERMISSIONS = [
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'fullscreen',
  'geolocation',
  'idle-detection',
  'media',
  'mediaKeySystem',
  'midi',
  'midiSysex',
  'notifications',
  'openExternal',
  'pointerLock',
  'keyboardLock',
  'fileSystem',
  'hid',
  'serial',
  'usb',
  'storage-access',
  'top-level-storage-access',
  'window-management',
  'unknown',
]
const GRANTED = ['clipboard-sanitized-write', 'notifications']

describe('permissions', () => {
  const { session, handlers } = fakeSession()
  hardenSession(session as never, APP_ORIGIN)

  const request = (permission: string, requestingUrl: string, isMainFrame = true) => {
    let answer: boolean | undefined
    handlers.request!(null, permission, (granted) => (answer = granted), {
      requestingUrl,
      isMainFrame,
    })
    return answer
  }
  const check = (permission: string, url: string, isMainFrame = true) =>
    handlers.check!(null, permission, new URL(url).origin, { requestingUrl: url, isMainFrame })

  it('grants exactly clipboard write and notifications to the app origin', () => {
    const page = `${APP_ORIGIN}/index.html`
    expect(ALL_PERMISSIONS.filter((p) => request(p, page) === true)).toEqual(GRANTED)
    expect(ALL_PERMISSIONS.filter((p) => check(p, page))).toEqual(GRANTED)
  })

  it('denies them to any other origin and to frames other than the top one', () => {
    for (const url of ['https://evil.example/', 'app://maildock.evil/', 'http://127.0.0.1:8025/']) {
      expect(GRANTED.map((p) => request(p, url))).toEqual([false, false])
      expect(GRANTED.map((p) => check(p, url))).toEqual([false, false])
    }
    expect(GRANTED.map((p) => request(p, `${APP_ORIGIN}/`, false))).toEqual([false, false])
    expect(GRANTED.map((p) => check(p, `${APP_ORIGIN}/`, false))).toEqual([false, false])
  })

  it('checks against the origin only when the details carry no URL', () => {
    expect(handlers.check!(null, 'notifications', APP_ORIGIN, { isMainFrame: true })).toBe(true)
    expect(handlers.check!(null, 'notifications', 'null', { isMainFrame: true })).toBe(false)
  })
})

describe('the app:// protocol response', () => {
  let rendererDir: string
  beforeAll(() => {
    rendererDir = mkdtempSync(join(tmpdir(), 'maildock-renderer-'))
    mkdirSync(join(rendererDir, 'assets'))
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>MailDock</title>')
  })

  it('carries the CSP header itself, replacing whatever the file response had', async () => {
    const response = await rendererResponse(rendererDir, new Request(`${APP_ORIGIN}/index.html`))
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('content-type')).toBe('text/html')
    expect(await response.text()).toContain('<title>MailDock</title>')
  })

  it('answers 404, with the CSP, for paths outside the renderer or missing files', async () => {
    for (const path of ['..%2F..%2Fetc%2Fpasswd', 'assets/missing.js']) {
      const response = await rendererResponse(rendererDir, new Request(`${APP_ORIGIN}/${path}`))
      expect(response.status).toBe(404)
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    }
  })

  it('keeps a CSP that allows no remote script, frame or object', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'")
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'")
    expect(CONTENT_SECURITY_POLICY).toContain("frame-ancestors 'none'")
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|\*/)
  })
})
