import { parseMessageDocumentUrl } from '../../../shared/contract'
import type { Core } from '../core'

/**
 * The maildock-message: scheme's answer: a caught message's HTML as its own document, with the
 * same headers (its own CSP) as browser mode's server gives it; `origin` alone may frame it.
 */
export async function messageDocumentResponse(
  core: Pick<Core, 'messageDocument'>,
  request: Request,
  origin: string,
): Promise<Response> {
  const wanted = request.method === 'GET' ? parseMessageDocumentUrl(request.url) : null
  if (wanted === null) return new Response('Not found', { status: 404 })
  const document = await core.messageDocument(wanted, origin)
  return new Response(document.body, { status: document.status, headers: document.headers })
}
