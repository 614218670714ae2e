import { randomUUID } from 'node:crypto'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { untilAborted } from '../lib/streams'
import type { EndpointsSource } from '../broker'
import { postEmail } from './api-client'
import type { BulkSender } from './bulk'
import { checkBulk } from './bulk-rows'
import { previewCsv } from './csv'
import type { CaughtSource, SendLedger } from './send-ledger'
import { readSendReport, sendReportCsv, sendReportFilename } from './send-report'
import type { TemplateStore } from './templates'
import type { MailTracker } from './tracker'

type MailChannels = Pick<
  ChannelHandlers,
  | 'mail:send'
  | 'mail:templates'
  | 'mail:template-save'
  | 'mail:csv-preview'
  | 'mail:bulk-check'
  | 'mail:bulk-start'
  | 'mail:bulk-result'
  | 'mail:bulk-cancel'
  | 'mail:recent'
  | 'mail:timeline'
  | 'mail:send-report'
  | 'mail:send-report-csv'
>
type MailEvents = Pick<EventHandlers, 'mail:bulk-progress' | 'mail:changes' | 'mail:alerts'>

export interface MailDeps {
  endpoints: EndpointsSource
  tracker: MailTracker
  bulk: BulkSender
  templates: TemplateStore
  ledger?: SendLedger | undefined
  caught?: CaughtSource | undefined
  log?: ((message: string, error?: unknown) => void) | undefined
}

export function mailHandlers(deps: MailDeps): {
  channels: MailChannels
  events: MailEvents
} {
  const { endpoints, tracker, bulk, templates, ledger, caught } = deps
  return {
    channels: {
      'mail:send': async ({ email, idempotencyKey }) => {
        const { apiUrl } = await endpoints()
        const accepted = await postEmail(apiUrl, email, idempotencyKey ?? randomUUID())
        try {
          await ledger?.open({
            name: accepted.id,
            kind: 'single',
            createdAt: accepted.acceptedAt,
            rows: [
              {
                row: 1,
                to: email.to.join(', '),
                emailId: accepted.id,
                status: 'accepted',
                error: null,
              },
            ],
          })
        } catch (error) {
          deps.log?.('mail: could not record the send in the log store', error)
        }
        return accepted
      },
      'mail:templates': () => templates.list(),
      'mail:template-save': (input) => templates.save(input),
      'mail:csv-preview': ({ csv, rows }) => previewCsv(csv, rows),
      'mail:bulk-check': (input) => checkBulk(input),
      'mail:bulk-start': (input) => bulk.start(input),
      'mail:bulk-result': ({ batchId }) => bulk.result(batchId),
      'mail:bulk-cancel': ({ batchId }) => bulk.cancel(batchId),
      'mail:recent': (filter) => tracker.recent(filter),
      'mail:timeline': ({ emailId }) => tracker.timeline(emailId),
      'mail:send-report': ({ name }) => readSendReport(ledger, caught, name),
      'mail:send-report-csv': async ({ name }) => ({
        filename: sendReportFilename(name),
        csv: sendReportCsv(await readSendReport(ledger, caught, name)),
      }),
    },
    events: {
      'mail:bulk-progress': ({ batchId }, sink) => {
        // follow() reports the current progress synchronously, before it returns its unsubscribe.
        const following: { stop?: () => void; finished: boolean } = { finished: false }
        let done = () => {}
        const ended = new Promise<void>((resolve) => {
          done = resolve
        })
        const stop = bulk.follow(batchId, (progress) => {
          sink.emit(progress)
          if (progress.state === 'running') return
          following.finished = true
          following.stop?.()
          done()
        })
        following.stop = stop
        if (following.finished) stop()
        return Promise.race([ended, untilAborted(sink.signal, stop)])
      },
      'mail:changes': (_input, sink) => {
        sink.emit({ emails: [], counts: tracker.counts() })
        return untilAborted(
          sink.signal,
          tracker.onChanges((change) => sink.emit(change)),
        )
      },
      'mail:alerts': (_input, sink) =>
        untilAborted(
          sink.signal,
          tracker.onAlert((alert) => sink.emit(alert)),
        ),
    },
  }
}
