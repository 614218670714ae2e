import { describe, expect, it } from 'vitest'
import { attemptsSoFar, classifySmtpError, decideAfterFailure } from './retry-policy'

function smtpError(fields: { code?: string; responseCode?: number; response?: string }) {
  return Object.assign(new Error(fields.response ?? 'failed'), fields)
}

describe('classifySmtpError', () => {
  it('treats 5xx replies as permanent and keeps the code and reply', () => {
    const failure = classifySmtpError(
      smtpError({
        code: 'EENVELOPE',
        responseCode: 550,
        response: '550 5.1.1 mailbox unavailable',
      }),
    )
    expect(failure).toEqual({
      transient: false,
      smtpCode: 550,
      reason: 'EENVELOPE: 550 5.1.1 mailbox unavailable',
    })
  })

  it('treats 4xx replies, network errors and timeouts as transient', () => {
    expect(
      classifySmtpError(smtpError({ responseCode: 421, response: '421 busy' })).transient,
    ).toBe(true)
    expect(classifySmtpError(smtpError({ code: 'ECONNECTION' })).transient).toBe(true)
    expect(classifySmtpError(smtpError({ code: 'ETIMEDOUT' })).transient).toBe(true)
    expect(classifySmtpError(smtpError({ code: 'EDNS' })).transient).toBe(true)
  })

  it('retries authentication failures (fixed by configuration, not by dropping mail)', () => {
    expect(classifySmtpError(smtpError({ code: 'EAUTH', responseCode: 535 })).transient).toBe(true)
  })

  it('does not retry a message that cannot be built', () => {
    expect(classifySmtpError(smtpError({ code: 'EMESSAGE' })).transient).toBe(false)
  })

  it('retries unknown errors rather than losing the email', () => {
    expect(classifySmtpError('boom')).toEqual({ transient: true, reason: 'boom' })
  })
})

describe('decideAfterFailure', () => {
  const delays = [5000, 30000, 120000]
  const transient = { transient: true, reason: 'ECONNECTION: refused' }

  it('uses the delay queue for the attempt that failed', () => {
    expect(decideAfterFailure(1, transient, delays)).toEqual({
      action: 'retry',
      attempt: 1,
      delayMs: 5000,
      queue: 'maildock.emailer.retry.5000ms',
    })
    expect(decideAfterFailure(3, transient, delays)).toMatchObject({ delayMs: 120000 })
  })

  it('dead-letters after the last delay, with the reason', () => {
    expect(decideAfterFailure(4, transient, delays)).toEqual({
      action: 'dead-letter',
      attempt: 4,
      permanent: false,
      reason: 'gave up after 4 attempts: ECONNECTION: refused',
    })
  })

  it('dead-letters a permanent failure at once', () => {
    const decision = decideAfterFailure(1, { transient: false, reason: '550 no' }, delays)
    expect(decision).toEqual({
      action: 'dead-letter',
      attempt: 1,
      permanent: true,
      reason: '550 no',
    })
  })
})

describe('attemptsSoFar', () => {
  it('reads the header set on retried copies and ignores garbage', () => {
    expect(attemptsSoFar(undefined)).toBe(0)
    expect(attemptsSoFar(2)).toBe(2)
    expect(attemptsSoFar('3')).toBe(3)
    expect(attemptsSoFar(-1)).toBe(0)
    expect(attemptsSoFar('x')).toBe(0)
  })
})
