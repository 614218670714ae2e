import type { ChannelInput, ChannelName, ChannelOutput, EventData, EventInput, EventName } from '.'
import type { Envelope, ErrorPayload } from './errors'

export type Unsubscribe = () => void

/** What a subscription delivers: data until an error or the end. */
export type StreamMessage =
  { type: 'data'; data: unknown } | { type: 'error'; error: ErrorPayload } | { type: 'end' }

/**
 * The transport-level API: window.maildock in Electron (from preload) and the WebSocket client in
 * browser mode both implement it. It carries envelopes, never thrown errors, because an Error
 * crossing contextBridge loses its code and details.
 */
export interface RawBridge {
  call(channel: string, input: unknown): Promise<Envelope<unknown>>
  subscribe(event: string, input: unknown, onMessage: (message: StreamMessage) => void): Unsubscribe
}

export interface SubscribeHandlers<E extends EventName> {
  data: (data: EventData<E>) => void
  /** The stream ended with an error: it is over, subscribe again to retry. */
  error?: (error: ErrorPayload) => void
  end?: () => void
}

/** The typed API the renderer and scripts use, built on a RawBridge by createClient. */
export interface MaildockClient {
  call<C extends ChannelName>(channel: C, input: ChannelInput<C>): Promise<ChannelOutput<C>>
  subscribe<E extends EventName>(
    event: E,
    input: EventInput<E>,
    handlers: SubscribeHandlers<E>,
  ): Unsubscribe
}
