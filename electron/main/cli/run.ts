import type {
  ChannelInput,
  ChannelName,
  ChannelOutput,
  EventData,
  EventInput,
  EventName,
} from '../../../shared/contract'
import { MaildockError } from '../../../shared/contract'
import type { Core } from '../core'

export const CLI_SENDER = { url: 'cli://maildock/', isMainFrame: true }

/** Calls a channel through the router, as the UI does; failures throw MaildockError. */
export async function call<C extends ChannelName>(
  core: Core,
  channel: C,
  input: ChannelInput<C>,
): Promise<ChannelOutput<C>> {
  const envelope = await core.router.call(channel, input, { sender: CLI_SENDER })
  if (!envelope.ok) throw MaildockError.fromPayload(envelope.error)
  return envelope.result as ChannelOutput<C>
}

/** Follows a stream until it ends, fails, or `signal` aborts (Ctrl+C). */
export function follow<E extends EventName>(
  core: Core,
  event: E,
  input: EventInput<E>,
  onData: (data: EventData<E>) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const stop = core.router.subscribe(event, input, { sender: CLI_SENDER }, (message) => {
      if (message.type === 'data') onData(message.data as EventData<E>)
      else if (message.type === 'error') reject(MaildockError.fromPayload(message.error))
      else resolve()
    })
    signal?.addEventListener('abort', () => {
      stop()
      resolve()
    })
  })
}

/** Exit codes scripts can trust. */
export const EXIT = { ok: 0, failure: 1, usage: 2, unreachable: 3 } as const

export function exitCodeFor(error: unknown): number {
  if (error instanceof MaildockError) {
    if (error.code === 'INVALID_INPUT') return EXIT.usage
    if (error.code === 'ENGINE_UNREACHABLE') return EXIT.unreachable
  }
  return EXIT.failure
}
