import { describe, expect, it } from 'vitest'
import { APP_ORIGIN, isAllowedExternalUrl, isTrustedSender, resolveRendererFile } from './security'

describe('app security rules', () => {
  it('trusts only the top frame of the app origin', () => {
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, true, APP_ORIGIN)).toBe(true)
    expect(isTrustedSender(`${APP_ORIGIN}/index.html`, false, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender('https://maildock.evil/index.html', true, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender('app://maildock.evil/x', true, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender(undefined, true, APP_ORIGIN)).toBe(false)
    expect(isTrustedSender('http://localhost:5173/', true, 'http://localhost:5173')).toBe(true)
  })

  it('opens external links only for http(s) on the allow-list', () => {
    expect(isAllowedExternalUrl('http://127.0.0.1:8025/')).toBe(true)
    expect(isAllowedExternalUrl('https://docs.docker.com/engine/')).toBe(true)
    expect(isAllowedExternalUrl('file:///etc/passwd')).toBe(false)
    expect(isAllowedExternalUrl('javascript:alert(1)')).toBe(false)
    expect(isAllowedExternalUrl('https://evil.example/')).toBe(false)
    expect(isAllowedExternalUrl('not a url')).toBe(false)
  })

  it('serves renderer files and refuses paths that climb out of the folder', () => {
    expect(resolveRendererFile('/r', `${APP_ORIGIN}/`)).toBe('/r/index.html')
    expect(resolveRendererFile('/r', `${APP_ORIGIN}/assets/a.js`)).toBe('/r/assets/a.js')
    expect(resolveRendererFile('/r', `${APP_ORIGIN}/..%2F..%2Fetc%2Fpasswd`)).toBeUndefined()
  })
})
