import type { z } from 'zod'

/** A request/response call: `domain:verb`, validated input, validated output. */
export interface ChannelDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'channel'
  readonly input: I
  readonly output: O
}

/** A push stream: subscribed with an input, delivers `data` until unsubscribed. */
export interface EventDef<I extends z.ZodType = z.ZodType, D extends z.ZodType = z.ZodType> {
  readonly kind: 'event'
  readonly input: I
  readonly data: D
}

export const channel = <I extends z.ZodType, O extends z.ZodType>(
  input: I,
  output: O,
): ChannelDef<I, O> => ({ kind: 'channel', input, output })

export const event = <I extends z.ZodType, D extends z.ZodType>(
  input: I,
  data: D,
): EventDef<I, D> => ({ kind: 'event', input, data })
