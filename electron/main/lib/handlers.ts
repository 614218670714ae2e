import type { z } from 'zod'
import type {
  ChannelName,
  ChannelOutput,
  Channels,
  EventData,
  EventName,
  Events,
} from '../../../shared/contract'

/** Who sent a message: the frame's URL and whether it is the window's top frame. */
export interface Sender {
  url: string
  isMainFrame: boolean
}

export interface CallContext {
  sender: Sender
}

export type ChannelHandlers = {
  [C in ChannelName]: (
    input: z.output<Channels[C]['input']>,
    ctx: CallContext,
  ) => Promise<ChannelOutput<C>> | ChannelOutput<C>
}

export interface EventSink<E extends EventName> {
  emit(data: EventData<E>): void
  /** Aborted when the subscriber unsubscribes or goes away; pass it down to dockerode. */
  signal: AbortSignal
}

/** Runs until the signal aborts (or resolves early to end the stream). */
export type EventHandlers = {
  [E in EventName]: (
    input: z.output<Events[E]['input']>,
    sink: EventSink<E>,
    ctx: CallContext,
  ) => Promise<void> | void
}
