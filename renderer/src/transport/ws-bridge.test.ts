import { describe, expect, it } from 'vitest'
import { browserModeSocketUrl, takeToken } from './ws-bridge'

describe('browser mode token', () => {
  it('moves the token from the fragment into session storage and out of the address bar', () => {
    window.history.replaceState(null, '', '/#token=abc-123')
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('abc-123')
    expect(window.location.href).not.toContain('token')
    expect(document.cookie).toBe('')
    // A reload of the same tab keeps the session; the WebSocket URL carries the token.
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('abc-123')
    expect(browserModeSocketUrl(window.location, 'abc-123')).toBe(
      `ws://${window.location.host}/ws?token=abc-123`,
    )
  })

  it('also takes ?token= and replaces an older token', () => {
    window.history.replaceState(null, '', '/?token=newer')
    expect(takeToken(window.location, window.sessionStorage, window.history)).toBe('newer')
    expect(window.location.search).toBe('')
  })
})
