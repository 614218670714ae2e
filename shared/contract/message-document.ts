// The Mailbox shows a message's HTML as a document of its own, with its own CSP (a srcdoc frame
// would inherit the app's): served by a custom scheme in the desktop app and by a path of the
// local server in browser mode. Both sides build and read its URL here.

export const MESSAGE_DOCUMENT_SCHEME = 'maildock-message'
/** Browser mode: the local server's path (the session token goes in the query). */
export const MESSAGE_DOCUMENT_PATH = '/mailbox/document/'

export interface MessageDocumentRequest {
  /** The catcher's message id. */
  id: string
  /** The user allowed this message's remote images. */
  allowRemoteImages: boolean
}

const ID = /^[\w.-]{1,100}$/

/** `maildock-message://message/ID`, or `ORIGIN/mailbox/document/ID?token=…` in browser mode. */
export function messageDocumentUrl(
  request: MessageDocumentRequest,
  server?: { origin: string; token: string },
): string {
  const query = new URLSearchParams()
  if (request.allowRemoteImages) query.set('remote', '1')
  if (server) query.set('token', server.token)
  const search = query.size > 0 ? `?${query.toString()}` : ''
  const id = encodeURIComponent(request.id)
  return server
    ? `${server.origin}${MESSAGE_DOCUMENT_PATH}${id}${search}`
    : `${MESSAGE_DOCUMENT_SCHEME}://message/${id}${search}`
}

/** The request a message document URL stands for; null when it is not one (or its id is odd). */
export function parseMessageDocumentUrl(url: string): MessageDocumentRequest | null {
  let parsed: URL
  try {
    parsed = new URL(url, 'http://localhost')
  } catch {
    return null
  }
  const prefix =
    parsed.protocol === `${MESSAGE_DOCUMENT_SCHEME}:`
      ? parsed.host === 'message'
        ? '/'
        : null
      : MESSAGE_DOCUMENT_PATH
  if (prefix === null || !parsed.pathname.startsWith(prefix)) return null
  let id: string
  try {
    id = decodeURIComponent(parsed.pathname.slice(prefix.length))
  } catch {
    return null
  }
  if (!ID.test(id)) return null
  return { id, allowRemoteImages: parsed.searchParams.get('remote') === '1' }
}
