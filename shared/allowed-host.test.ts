import { describe, expect, it } from 'vitest'
import { allowedHostNames, hostNameOf, isAllowedHost } from './allowed-host'

describe('the Host rule of the stack HTTP servers', () => {
  const allowed = allowedHostNames('api')

  it.each(['127.0.0.1:5001', 'localhost:5001', '[::1]:5001', 'LOCALHOST:49153', 'api:3000', 'api'])(
    'allows %s',
    (host) => expect(isAllowedHost(host, allowed)).toBe(true),
  )

  it.each([
    'evil.example:5001',
    'evil.example',
    '127.0.0.1.nip.io:5001',
    'localhost.evil.example:5001',
    'localhost:5001@evil.example',
    '[::2]:5001',
    '10.0.0.1:5001',
    'localhost:5001, evil.example',
    'localhost:abc',
    '',
    undefined,
  ])('refuses %s', (host) => expect(isAllowedHost(host, allowed)).toBe(false))

  it('reads the name of name, name:port and [v6]:port', () => {
    expect(hostNameOf('Api:3000')).toBe('api')
    expect(hostNameOf('[::1]:8025')).toBe('[::1]')
    expect(hostNameOf('a b')).toBeNull()
  })
})
