import { Socket } from 'node:net'
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
    watch(stream, (this as { _socket?: unknown })._socket)
    return stream
  }
}

const MESSAGE_ID_HEADER = /^Message-ID:[ \t]*<([^>\r\n]+)>/im
const HEADER_SEARCH_LIMIT = 64 * 1024

function watch(stream: Transform, socket: unknown): void {
  let head = ''
  let messageId: string | undefined
  const transform = stream._transform.bind(stream)
  const flush = stream._flush?.bind(stream)
  const handOver = coalesceWrites(stream, socket)
  stream._transform = (chunk: Buffer, encoding: BufferEncoding, done: TransformCallback) => {
    if (messageId === undefined && head.length < HEADER_SEARCH_LIMIT) {
      head += chunk.toString('latin1')
      messageId = MESSAGE_ID_HEADER.exec(head)?.[1]
    }
    transform(chunk, encoding, done)
  }
  // The hook runs before the final dot is pushed (see coalesceWrites for when the data leaves).
  stream._flush = (done: TransformCallback) =>
    handOver(
      () => {
        if (messageId !== undefined) hooks.get(messageId)?.()
        if (flush === undefined) done()
        else flush(done)
      },
      () => done(),
    )
}

type HandOver = (ready: () => void, gone: () => void) => void

/**
 * nodemailer writes each piece of the MIME stream, then the final dot, to the socket one by one:
 * a system call and a packet each, on both ends. The socket is corked from the start of the data
 * (the server's 354 came before this stream was made), so the pieces of a small message wait in
 * it; past the socket's high-water mark it is uncorked (a corked socket never drains, and the pipe
 * would wait for it forever). The returned hand-over runs at the end of the data:
 * - a message still corked has sent nothing yet: `ready` runs at once, then the final dot joins the
 *   data and all of it leaves in one write when the stream ends;
 * - a larger one is uncorked, and `ready` runs once every byte but the final dot is with the
 *   kernel: none left in the socket's buffer, nor in the stream's own (where the pipe leaves them
 *   while the socket is full).
 * Either way the final dot reaches the kernel only after `ready`: a process killed before it has
 * sent no dot. Should the socket close first, `gone` is called instead (and the hook never runs).
 */
function coalesceWrites(stream: Transform, socket: unknown): HandOver {
  if (!(socket instanceof Socket)) return (ready) => ready()
  socket.cork()
  let corked = true
  const release = () => {
    if (!corked) return
    corked = false
    socket.uncork()
  }
  stream.on('data', () => {
    if (socket.writableLength >= socket.writableHighWaterMark) release()
  })
  for (const event of ['end', 'error', 'close', 'unpipe']) stream.once(event, release)
  const closed = () => socket.destroyed || !socket.writable
  return (ready, gone) => {
    if (corked) return closed() ? gone() : ready()
    const check = (): void => {
      if (closed()) return gone()
      // A write's callback runs once it and every write before it reached the kernel.
      if (socket.writableLength > 0) return void socket.write(EMPTY, check)
      // The pipe moves what the stream holds once the socket drained (or on its next tick).
      if (stream.readableLength > 0) return void setImmediate(check)
      ready()
    }
    check()
  }
}

const EMPTY = Buffer.alloc(0)
