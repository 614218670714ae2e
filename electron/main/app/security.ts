import { join } from 'node:path'
import { MESSAGE_DOCUMENT_SCHEME } from '../../../shared/contract'

/** The renderer is served from this privileged scheme, never from file:// */
export const APP_SCHEME = 'app'
export const APP_ORIGIN = `${APP_SCHEME}://maildock`

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  // The Mailbox's message documents, each with its own stricter CSP (message-protocol.ts).
  `frame-src ${MESSAGE_DOCUMENT_SCHEME}:`,
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ')

/** Where the renderer lives: the dev server in development, else the app scheme. */
export function rendererOrigin(devServerUrl: string | undefined): string {
  return devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN
}

/** Only the top frame of our own renderer may talk to main. */
export function isTrustedSender(
  url: string | undefined,
  isMainFrame: boolean,
  origin: string,
): boolean {
  if (!url || !isMainFrame) return false
  try {
    const parsed = new URL(url)
    return `${parsed.protocol}//${parsed.host}` === origin
  } catch {
    return false
  }
}

/** External links open in the OS browser only for http(s) on loopback (the stack's UIs) or known docs. */
const EXTERNAL_HOSTS = new Set([
  '127.0.0.1',
  'localhost',
  'docs.docker.com',
  'www.rabbitmq.com',
  'mailpit.axllent.org',
])

export function isAllowedExternalUrl(url: string): boolean {
  try {
    const parsed = new URL(url)
    return (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
      EXTERNAL_HOSTS.has(parsed.hostname)
    )
  } catch {
    return false
  }
}

/** Maps app://maildock/<path> to a file inside the renderer folder, refusing anything outside it. */
export function resolveRendererFile(rendererDir: string, requestUrl: string): string | undefined {
  const { pathname } = new URL(requestUrl)
  const relative = decodeURIComponent(pathname).replace(/^\/+/, '') || 'index.html'
  if (relative.split(/[\\/]/).includes('..')) return undefined
  return join(rendererDir, relative)
}
