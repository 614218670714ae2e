import { describe, expect, it } from 'vitest'
import { messageDocumentUrl, type MessageDocumentRequest } from '../../../shared/contract'
import { messageDocumentResponse } from './message-protocol'

describe('maildock-message: scheme', () => {
  const asked: Array<[MessageDocumentRequest, string]> = []
  const core = {
    messageDocument: (request: MessageDocumentRequest, frameAncestors: string) => {
      asked.push([request, frameAncestors])
      return Promise.resolve({
        status: 200,
        headers: { 'Content-Security-Policy': 'x' },
        body: 'b',
      })
    },
  }

  it("answers the document with the core's headers, framed by the app's origin only", async () => {
    const url = messageDocumentUrl({ id: 'Ab-1', allowRemoteImages: true })
    expect(url).toBe('maildock-message://message/Ab-1?remote=1')
    const response = await messageDocumentResponse(core, new Request(url), 'app://maildock')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-security-policy')).toBe('x')
    expect(await response.text()).toBe('b')
    expect(asked).toEqual([[{ id: 'Ab-1', allowRemoteImages: true }, 'app://maildock']])
  })

  it('refuses other hosts, odd ids and methods other than GET', async () => {
    for (const request of [
      new Request('maildock-message://other/Ab-1'),
      new Request('maildock-message://message/..%2Fx'),
      new Request('maildock-message://message/Ab-1', { method: 'POST', body: 'x' }),
    ]) {
      expect((await messageDocumentResponse(core, request, 'app://maildock')).status).toBe(404)
    }
    expect(asked).toHaveLength(1)
  })
})
