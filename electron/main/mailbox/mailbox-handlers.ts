import { chaosStages, MaildockError, type MailboxStatus } from '../../../shared/contract'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { CatcherClient } from './catcher-client'
import { errorMessage } from '../../../shared/error-message'

type MailboxChannels = Pick<
  ChannelHandlers,
  | 'mailbox:status'
  | 'mailbox:list'
  | 'mailbox:message'
  | 'mailbox:find'
  | 'mailbox:raw'
  | 'mailbox:attachment'
  | 'mailbox:delete'
  | 'mailbox:chaos-set'
  | 'mailbox:html-check'
  | 'mailbox:link-check'
>
type MailboxEvents = Pick<EventHandlers, 'mailbox:changes'>

/** The catcher's base URL, or a MaildockError UNAVAILABLE whose message says why there is none. */
export type CatcherSource = () => Promise<string>

/** The domain of the Message-ID the emailer gives each email (SMTP_MESSAGE_ID_DOMAIN). */
export const MESSAGE_ID_DOMAIN = 'maildock.local'
const POLL_MS = 1_000

function unavailable(reason: string): MailboxStatus {
  return {
    available: false,
    reason,
    url: null,
    version: null,
    total: 0,
    unread: 0,
    newestId: null,
    chaos: null,
  }
}

/** Reads the catcher's status: counts, newest message, chaos triggers (null without chaos). */
export async function readStatus(source: CatcherSource): Promise<MailboxStatus> {
  let client: CatcherClient
  try {
    client = new CatcherClient(await source())
  } catch (error) {
    return unavailable(errorMessage(error))
  }
  try {
    const [info, page, chaos] = await Promise.all([
      client.info(),
      client.list({ start: 0, limit: 1 }),
      client.chaos().catch(() => null),
    ])
    return {
      available: true,
      reason: null,
      url: client.baseUrl,
      version: info.Version,
      total: page.total,
      unread: page.unread,
      newestId: page.messages[0]?.id ?? null,
      chaos,
    }
  } catch (error) {
    return unavailable(errorMessage(error))
  }
}

/** A check the catcher may not offer: hidden with its reason instead of failing. */
async function maybe<T>(run: () => Promise<T>) {
  try {
    return { available: true, reason: null, result: await run() }
  } catch (error) {
    if (error instanceof MaildockError && error.code !== 'NOT_FOUND') {
      return {
        available: false,
        reason: `The catcher does not answer this check: ${error.message}`,
        result: null,
      }
    }
    throw error
  }
}

export function mailboxHandlers(source: CatcherSource): {
  channels: MailboxChannels
  events: MailboxEvents
} {
  const client = async () => new CatcherClient(await source())
  return {
    channels: {
      'mailbox:status': () => readStatus(source),
      'mailbox:list': async (input) => (await client()).list(input),
      'mailbox:message': async ({ id }) => (await client()).message(id),
      'mailbox:find': async ({ emailId }) => {
        const page = await (
          await client()
        ).list({
          search: `message-id:"${emailId}@${MESSAGE_ID_DOMAIN}"`,
          start: 0,
          limit: 1,
        })
        return { message: page.messages[0] ?? null }
      },
      'mailbox:raw': async ({ id }) => (await client()).raw(id),
      'mailbox:attachment': async ({ id, partId }) => (await client()).attachment(id, partId),
      'mailbox:delete': async ({ ids }) => {
        await (await client()).delete(ids)
        return {}
      },
      'mailbox:chaos-set': async ({ triggers }) => {
        const catcher = await client()
        const current = await catcher.chaos()
        const next = { ...current }
        for (const stage of chaosStages) next[stage] = triggers[stage] ?? current[stage]
        return catcher.setChaos(next)
      },
      'mailbox:html-check': async ({ id }) => {
        const catcher = await client()
        return maybe(() => catcher.htmlCheck(id))
      },
      'mailbox:link-check': async ({ id }) => {
        const catcher = await client()
        return maybe(() => catcher.linkCheck(id))
      },
    },
    events: {
      'mailbox:changes': async (_input, sink) => {
        let last = ''
        while (!sink.signal.aborted) {
          const status = await readStatus(source)
          const key = JSON.stringify(status)
          if (key !== last && !sink.signal.aborted) sink.emit(status)
          last = key
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, POLL_MS)
            sink.signal.addEventListener('abort', () => {
              clearTimeout(timer)
              resolve()
            })
          })
        }
      },
    },
  }
}
