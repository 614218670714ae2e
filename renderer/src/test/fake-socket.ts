import { afterEach, beforeEach, vi } from 'vitest'

/** A WebSocket stand-in a test opens, feeds and drops by hand (stub it as the global WebSocket). */
export class FakeSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 3
  static made: FakeSocket[] = []
  readyState = FakeSocket.CONNECTING
  /** Each frame sent, as its text. */
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.made.push(this)
  }
  send(text: string): void {
    this.sent.push(text)
  }
  /** The frames sent, parsed. */
  sentFrames(): unknown[] {
    return this.sent.map((text) => JSON.parse(text) as unknown)
  }
  open(): void {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  /** Delivers a frame: text as it is, an object as its JSON. */
  receive(frame: string | object): void {
    this.onmessage?.({ data: typeof frame === 'string' ? frame : JSON.stringify(frame) })
  }
  drop(): void {
    this.readyState = FakeSocket.CLOSED
    this.onclose?.()
  }
}

/** Each test of the calling describe block gets FakeSocket as its WebSocket, and fake timers. */
export function stubWebSocketEachTest(): void {
  beforeEach(() => {
    FakeSocket.made = []
    vi.useFakeTimers()
    vi.stubGlobal('WebSocket', FakeSocket)
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })
}
