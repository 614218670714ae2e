import { MAX_MAILBOX_PAGE } from '../../../shared/contract'
import { errorMessage } from '../../../shared/error-message'
import { CatcherClient } from './catcher-client'
import { MESSAGE_ID_DOMAIN, type CatcherSource } from './mailbox-handlers'

/** Enough pages for the largest sends; a report says when the catcher held more. */
const MAX_PAGES = 200

/**
 * The MailDock email ids the catcher holds that match a search (a send's `tag:"name"`), page by
 * page; `{ note }` says why there is no answer (no catcher, relay stack, not running).
 */
export async function caughtEmailIds(
  source: CatcherSource,
  search: string,
): Promise<{ ids: Set<string> } | { note: string }> {
  let client: CatcherClient
  try {
    client = new CatcherClient(await source())
  } catch (error) {
    return { note: errorMessage(error) }
  }
  const ids = new Set<string>()
  try {
    for (let page = 0; page < MAX_PAGES; page += 1) {
      const found = await client.list({
        search,
        start: page * MAX_MAILBOX_PAGE,
        limit: MAX_MAILBOX_PAGE,
      })
      for (const message of found.messages) if (message.emailId !== null) ids.add(message.emailId)
      if (found.messages.length < MAX_MAILBOX_PAGE) break
    }
  } catch (error) {
    return { note: `the mail catcher did not answer: ${errorMessage(error)}` }
  }
  return { ids }
}

/** The catcher's search for a send: its tag (bulk) or its one email's Message-ID (single). */
export function sendSearch(name: string, kind: 'single' | 'bulk'): string {
  const quoted = name.replace(/"/g, '')
  return kind === 'bulk' ? `tag:"${quoted}"` : `message-id:"${quoted}@${MESSAGE_ID_DOMAIN}"`
}
