import { StringDecoder } from 'node:string_decoder'
import type { LogLine } from '../../../shared/contract'

type StreamName = LogLine['stream']

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/
const SPACE = 0x20
const NEWLINE = 0x0a

/** Splits `2024-05-01T10:00:00.123456789Z text` into its timestamp and the bytes after it. */
function splitTimestamp(payload: Buffer): { time: string; content: Buffer } {
  const space = payload.indexOf(SPACE)
  if (space > 0 && space <= 40) {
    const time = payload.toString('latin1', 0, space)
    if (TIMESTAMP.test(time)) return { time, content: payload.subarray(space + 1) }
  }
  return { time: '', content: payload }
}

const trimCarriageReturn = (text: string): string =>
  text.endsWith('\r') ? text.slice(0, -1) : text

/**
 * Turns one output stream of a container (requested with `timestamps: true`) into lines.
 *
 * Non-TTY logs arrive as frames, one per log message, each starting with its timestamp. The engine
 * cuts lines longer than 16 KiB into several messages (one frame each, same timestamp, no newline
 * but on the last), possibly inside a multi-byte character: so the timestamp is stripped per frame
 * and the remaining bytes go through one StringDecoder, which joins the halves of a character.
 * TTY logs are a plain byte stream with a timestamp at the start of each line.
 */
export class LogLineAssembler {
  private decoder = new StringDecoder('utf8')
  private partial = ''
  private partialTime = ''
  /** A line has begun (some bytes fed since the last newline). */
  private open = false
  private raw = false

  constructor(
    private readonly stream: StreamName,
    private readonly onLine: (line: LogLine) => void,
  ) {}

  /** One demultiplexed frame (non-TTY). */
  frame(payload: Buffer): void {
    const { time, content } = splitTimestamp(payload)
    // A frame with a new timestamp is a new message: whatever was open was a line of its own.
    if (this.open && time !== this.partialTime) this.finishOpenLine()
    if (!this.open) this.partialTime = time
    if (content.length === 0) return
    this.open = true
    this.take(this.decoder.write(content), time)
    if (content[content.length - 1] === NEWLINE) this.open = false
  }

  /** A chunk of a raw (TTY) stream: cut anywhere, timestamps at line starts. */
  chunk(data: Buffer): void {
    this.raw = true
    const pieces = (this.partial + this.decoder.write(data)).split('\n')
    this.partial = pieces.pop() ?? ''
    for (const piece of pieces) this.rawLine(piece)
  }

  /** The stream ended: a last line without a newline still counts. */
  end(): void {
    const rest = this.partial + this.decoder.end()
    this.decoder = new StringDecoder('utf8')
    this.partial = ''
    this.open = false
    if (rest === '') return
    if (this.raw) this.rawLine(rest)
    else
      this.onLine({ stream: this.stream, time: this.partialTime, text: trimCarriageReturn(rest) })
  }

  private rawLine(piece: string): void {
    const space = piece.indexOf(' ')
    const time = space > 0 ? piece.slice(0, space) : ''
    const timed = TIMESTAMP.test(time)
    this.onLine({
      stream: this.stream,
      time: timed ? time : '',
      text: trimCarriageReturn(timed ? piece.slice(space + 1) : piece),
    })
  }

  private take(text: string, time: string): void {
    const pieces = text.split('\n')
    const last = pieces.pop() ?? ''
    for (const piece of pieces) {
      this.onLine({
        stream: this.stream,
        time: this.partialTime,
        text: trimCarriageReturn(this.partial + piece),
      })
      this.partial = ''
      this.partialTime = time
    }
    this.partial += last
  }

  private finishOpenLine(): void {
    const rest = this.partial + this.decoder.end()
    this.decoder = new StringDecoder('utf8')
    this.partial = ''
    this.open = false
    this.onLine({ stream: this.stream, time: this.partialTime, text: trimCarriageReturn(rest) })
  }
}
