import type { Transform, TransformCallback } from 'node:stream'
import SMTPConnection from 'nodemailer/lib/smtp-connection'

/**
 * Tells the emailer the moment an SMTP transaction passes the point of no return: just before
 * the final "." of the message data is written to the socket. Before it, a dead process has
 * delivered nothing (servers drop unfinished transactions); after it, the server most likely
 * has the message even if its reply never arrives. nodemailer has no hook for this, so this
 * wraps its per-message data stream (SMTPConnection#_createSendStream), finds the message by
 * its Message-ID header and calls the hook registered for it. Should nodemailer change, the hook
 * simply never fires, and an interrupted attempt is treated as "not sent" (sent again).
 */
const hooks = new Map<string, () => void>()
let installed = false

/** Registers `hook` for the message whose Message-ID header is `<messageId>`; returns a remover. */
export function onEndOfData(messageId: string, hook: () => void): () => void {
  installEndOfDataHook()
  hooks.set(messageId, hook)
  return () => hooks.delete(messageId)
}

type CreateSendStream = (this: unknown, callback: unknown) => Transform

function installEndOfDataHook(): void {
  if (installed) return
  installed = true
  const prototype = SMTPConnection.prototype as unknown as { _createSendStream?: CreateSendStream }
  const original = prototype._createSendStream
  if (typeof original !== 'function') return
  prototype._createSendStream = function createSendStream(callback) {
    const stream = original.call(this, callback)
    watch(stream)
    return stream
  }
}

const MESSAGE_ID_HEADER = /^Message-ID:[ \t]*<([^>\r\n]+)>/im
const HEADER_SEARCH_LIMIT = 64 * 1024

function watch(stream: Transform): void {
  let head = ''
  let messageId: string | undefined
  const transform = stream._transform.bind(stream)
  const flush = stream._flush?.bind(stream)
  stream._transform = (chunk: Buffer, encoding: BufferEncoding, done: TransformCallback) => {
    if (messageId === undefined && head.length < HEADER_SEARCH_LIMIT) {
      head += chunk.toString('latin1')
      messageId = MESSAGE_ID_HEADER.exec(head)?.[1]
    }
    transform(chunk, encoding, done)
  }
  stream._flush = (done: TransformCallback) => {
    if (messageId !== undefined) hooks.get(messageId)?.()
    if (flush === undefined) done()
    else flush(done)
  }
}
