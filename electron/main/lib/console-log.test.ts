import { afterEach, describe, expect, it, vi } from 'vitest'
import { logToConsole } from './console-log'

describe('logToConsole', () => {
  afterEach(() => vi.restoreAllMocks())

  it('prints a message without an error on its own', () => {
    const print = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    logToConsole('broker: reconnecting in 500 ms')
    expect(print).toHaveBeenCalledWith('broker: reconnecting in 500 ms')
    expect(print.mock.calls[0]).toHaveLength(1)
  })

  it('prints the error after the message', () => {
    const print = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    const error = new Error('ECONNREFUSED')
    logToConsole('broker: connection lost', error)
    expect(print).toHaveBeenCalledWith('broker: connection lost', error)
  })
})
