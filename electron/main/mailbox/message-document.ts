import { MaildockError, type MessageDocumentRequest } from '../../../shared/contract'
import { errorMessage } from '../../../shared/error-message'
import { CatcherClient } from './catcher-client'
import type { CatcherSource } from './mailbox-handlers'

/** A message document and the headers it is served with, by the server and the app's scheme alike. */
export interface MessageDocument {
  status: number
  headers: Record<string, string>
  body: string
}

/**
 * The document's own CSP: no script ever (the `sandbox` directive too, should it be opened
 * outside its sandboxed frame), inline styles, embedded images; remote images only when allowed.
 */
export function messageDocumentPolicy(allowRemoteImages: boolean, frameAncestors: string): string {
  const images = allowRemoteImages ? 'data: cid: http: https:' : 'data: cid:'
  return [
    "default-src 'none'",
    "style-src 'unsafe-inline'",
    `img-src ${images}`,
    'font-src data:',
    "form-action 'none'",
    "base-uri 'none'",
    `frame-ancestors ${frameAncestors}`,
    'sandbox',
  ].join('; ')
}

const escapeHtml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** The caught HTML as a document, with the headers that confine it. */
export function buildMessageDocument(
  html: string,
  allowRemoteImages: boolean,
  frameAncestors: string,
  status = 200,
): MessageDocument {
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': messageDocumentPolicy(allowRemoteImages, frameAncestors),
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
    },
    body: `<!doctype html><html><head><meta charset="utf-8"><meta name="referrer" content="no-referrer"><base target="_blank"></head><body>${html}</body></html>`,
  }
}

/**
 * Reads the message from the catcher and answers its document: 404 when the catcher has no such
 * message, 503 when there is no catcher to ask (both as a short document saying so).
 */
export async function serveMessageDocument(
  source: CatcherSource,
  request: MessageDocumentRequest,
  frameAncestors: string,
): Promise<MessageDocument> {
  try {
    const message = await new CatcherClient(await source()).message(request.id)
    return buildMessageDocument(message.html, request.allowRemoteImages, frameAncestors)
  } catch (error) {
    const status = error instanceof MaildockError && error.code === 'NOT_FOUND' ? 404 : 503
    const text = `<p style="font-family:sans-serif;color:#666">${escapeHtml(errorMessage(error))}</p>`
    return buildMessageDocument(text, false, frameAncestors, status)
  }
}
