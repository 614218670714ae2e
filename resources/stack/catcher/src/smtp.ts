// The SMTP side: accepts any client (any AUTH, no TLS), applies chaos triggers, stores messages.
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server'
import type { Chaos, ChaosStage } from './chaos'
import { receiveMessage } from './parse'
import type { Entry, MessageStore } from './store'

export interface SmtpStats {
  accepted: number
  acceptedBytes: number
  rejected: number
}

export interface SmtpOptions {
  store: MessageStore
  chaos: Chaos
  stats: SmtpStats
  maxMessageBytes: number
  onStored?: (message: Entry) => void
  onRejected?: (stage: ChaosStage, code: number) => void
}

function smtpError(message: string, responseCode: number): Error & { responseCode: number } {
  return Object.assign(new Error(message), { responseCode })
}

function readAll(stream: SMTPServerDataStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => chunks.push(chunk))
    stream.once('end', () => resolve(Buffer.concat(chunks)))
    stream.once('error', reject)
  })
}

export function createSmtpServer(options: SmtpOptions): SMTPServer {
  const { chaos, stats } = options
  const fail = (stage: ChaosStage): Error | null => {
    const code = chaos.failure(stage)
    if (code === undefined) return null
    stats.rejected += 1
    options.onRejected?.(stage, code)
    return smtpError(`Chaos ${stage.toLowerCase()} error`, code)
  }

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession) => {
    const raw = await readAll(stream)
    if (stream.sizeExceeded) throw smtpError('Message exceeds fixed maximum message size', 552)
    const message = receiveMessage(raw, {
      mailFrom: session.envelope.mailFrom === false ? '' : session.envelope.mailFrom.address,
      rcptTo: session.envelope.rcptTo.map((recipient) => recipient.address),
      username: typeof session.user === 'string' ? session.user : '',
    })
    const stored = options.store.add(message)
    stats.accepted += 1
    stats.acceptedBytes += raw.length
    options.onStored?.(stored)
    return stored
  }

  const server = new SMTPServer({
    name: 'maildock-catcher',
    banner: 'MailDock catcher (Mailpit compatible)',
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN', 'CRAM-MD5'],
    size: options.maxMessageBytes,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: 2_000,
    onAuth(auth, _session, callback) {
      callback(fail('Authentication'), { user: auth.username ?? '' })
    },
    onMailFrom(_address, _session, callback) {
      callback(fail('Sender'))
    },
    onRcptTo(_address, _session, callback) {
      callback(fail('Recipient'))
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        (stored) => callback(null, `Ok: queued as ${stored.ID}`),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      )
    },
  })
  // A client that drops mid-transaction (ECONNRESET) must not take the catcher down.
  server.on('error', (error) => console.error(`smtp: ${error.message}`))
  return server
}
