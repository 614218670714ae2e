import { describe, expect, it } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import { buildMessageDocument, serveMessageDocument } from './message-document'

describe('message document', () => {
  it('never allows scripts; remote images only when the user allowed them', () => {
    const blocked = buildMessageDocument('<img src="http://x/p.png">', false, "'self'")
    const csp = blocked.headers['Content-Security-Policy']
    expect(csp).toBe(
      "default-src 'none'; style-src 'unsafe-inline'; img-src data: cid:; font-src data:; form-action 'none'; base-uri 'none'; frame-ancestors 'self'; sandbox",
    )
    const allowed = buildMessageDocument('', true, 'app://maildock')
    expect(allowed.headers['Content-Security-Policy']).toContain('img-src data: cid: http: https:;')
    expect(allowed.headers['Content-Security-Policy']).toContain('frame-ancestors app://maildock')
    expect(allowed.headers['Content-Security-Policy']).not.toMatch(/script-src|unsafe-eval/)
    expect(blocked.headers).toMatchObject({
      'Content-Type': 'text/html; charset=utf-8',
      'Referrer-Policy': 'no-referrer',
      'X-Content-Type-Options': 'nosniff',
    })
    expect(blocked.body).toContain('<body><img src="http://x/p.png"></body>')
  })

  it('answers 503 with the reason (escaped) when there is no catcher', async () => {
    const source = () =>
      Promise.reject(new MaildockError('UNAVAILABLE', 'The stack delivers to <relay>'))
    const document = await serveMessageDocument(
      source,
      { id: 'm1', allowRemoteImages: true },
      "'self'",
    )
    expect(document.status).toBe(503)
    expect(document.body).toContain('The stack delivers to &lt;relay&gt;')
    expect(document.headers['Content-Security-Policy']).toContain('img-src data: cid:;')
  })
})
