import { net, type Session } from 'electron'
import { pathToFileURL } from 'node:url'
import { CONTENT_SECURITY_POLICY, resolveRendererFile } from './security'

/**
 * What the app's own window may use: writing the clipboard (the Copy buttons) and desktop
 * notifications (a failed email). Every other permission, and these for any other origin or frame,
 * is denied.
 */
const GRANTED = new Set(['clipboard-sanitized-write', 'notifications'])

function sameOrigin(url: string | undefined, origin: string): boolean {
  if (!url) return false
  try {
    // Node's URL gives non-special schemes (app:) the origin "null": compare scheme and host.
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}` === origin
  } catch {
    return false
  }
}

export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  isMainFrame: boolean,
  origin: string,
): boolean {
  return GRANTED.has(permission) && isMainFrame && sameOrigin(requestingUrl, origin)
}

/** The permission handlers and the CSP header for the session the window uses. */
export function hardenSession(session: Session, origin: string): void {
  session.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(isPermissionGranted(permission, details.requestingUrl, details.isMainFrame, origin))
  })
  session.setPermissionCheckHandler((_contents, permission, requestingOrigin, details) =>
    isPermissionGranted(
      permission,
      details.requestingUrl ?? requestingOrigin,
      details.isMainFrame,
      origin,
    ),
  )
  // The dev server's responses (http); app:// responses carry it themselves (rendererResponse).
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    })
  })
}

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
}

/**
 * The app:// protocol handler's answer: a file of the renderer build with the CSP set on the
 * response itself (Electron does not run webRequest for custom protocols, electron/electron#6021).
 */
export async function rendererResponse(rendererDir: string, request: Request): Promise<Response> {
  const file = resolveRendererFile(rendererDir, request.url)
  const notFound = (): Response =>
    new Response('Not found', { status: 404, headers: SECURITY_HEADERS })
  if (!file) return notFound()
  const found = await net.fetch(pathToFileURL(file).toString()).catch(() => null)
  if (found === null) return notFound()
  const headers = new Headers(found.headers)
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) headers.set(name, value)
  return new Response(found.body, { status: found.status, statusText: found.statusText, headers })
}
