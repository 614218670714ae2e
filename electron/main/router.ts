import type { z } from 'zod'
import {
  channels,
  events,
  isChannelName,
  isEventName,
  MaildockError,
  toErrorPayload,
  type Envelope,
  type StreamMessage,
} from '../../shared/contract'
import type { CallContext, ChannelHandlers, EventHandlers, Sender } from './lib/handlers'

export interface RouterOptions {
  channels: ChannelHandlers
  events: EventHandlers
  /** Only messages from a sender this accepts reach a handler. */
  isTrustedSender: (sender: Sender) => boolean
  onHandlerError?: (where: string, error: unknown) => void
}

export interface Router {
  call(channel: unknown, input: unknown, ctx: CallContext): Promise<Envelope<unknown>>
  subscribe(
    event: unknown,
    input: unknown,
    ctx: CallContext,
    onMessage: (message: StreamMessage) => void,
  ): () => void
}

function invalidInput(where: string, error: z.ZodError): MaildockError {
  const fields = error.issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(input)',
    message: issue.message,
  }))
  const summary = fields.map((f) => `${f.path}: ${f.message}`).join('; ')
  return new MaildockError('INVALID_INPUT', `Invalid input for ${where}: ${summary}`, { fields })
}

function badOutput(where: string, error: z.ZodError): Error {
  const summary = error.issues.map(
    (i) => `${i.path.map(String).join('.') || '(output)'}: ${i.message}`,
  )
  return new Error(
    `${where} returned data outside its contract (${summary.slice(0, 3).join('; ')})`,
  )
}

/** Validates channel, sender and input before any handler runs; answers with envelopes only. */
export function createRouter(options: RouterOptions): Router {
  const guard = (ctx: CallContext): void => {
    if (!options.isTrustedSender(ctx.sender)) {
      throw new MaildockError('FORBIDDEN_SENDER', `Refused a message from ${ctx.sender.url}`)
    }
  }

  return {
    async call(name, input, ctx) {
      try {
        guard(ctx)
        if (!isChannelName(name)) {
          throw new MaildockError('UNKNOWN_CHANNEL', `Unknown channel: ${String(name)}`)
        }
        const def = channels[name]
        const parsed = def.input.safeParse(input ?? {})
        if (!parsed.success) throw invalidInput(name, parsed.error)
        const handler = options.channels[name] as (i: unknown, c: CallContext) => unknown
        const result = await handler(parsed.data, ctx)
        const output = def.output.safeParse(result)
        if (!output.success) throw badOutput(name, output.error)
        return { ok: true, result: output.data }
      } catch (error) {
        if (!(error instanceof MaildockError)) options.onHandlerError?.(String(name), error)
        return { ok: false, error: toErrorPayload(error) }
      }
    },

    subscribe(name, input, ctx, onMessage) {
      const controller = new AbortController()
      const fail = (error: unknown): void => {
        if (!controller.signal.aborted) onMessage({ type: 'error', error: toErrorPayload(error) })
        controller.abort()
      }
      try {
        guard(ctx)
        if (!isEventName(name))
          throw new MaildockError('UNKNOWN_CHANNEL', `Unknown event: ${String(name)}`)
        const parsed = events[name].input.safeParse(input ?? {})
        if (!parsed.success) throw invalidInput(name, parsed.error)
        const sink = {
          signal: controller.signal,
          emit: (data: unknown) => {
            if (!controller.signal.aborted) onMessage({ type: 'data', data })
          },
        }
        const handler = options.events[name] as (
          i: unknown,
          s: typeof sink,
          c: CallContext,
        ) => unknown
        Promise.resolve()
          .then(() => handler(parsed.data, sink, ctx))
          .then(
            () => {
              if (!controller.signal.aborted) onMessage({ type: 'end' })
              controller.abort()
            },
            (error: unknown) => {
              if (!(error instanceof MaildockError)) options.onHandlerError?.(name, error)
              fail(error)
            },
          )
      } catch (error) {
        fail(error)
      }
      return () => controller.abort()
    },
  }
}
