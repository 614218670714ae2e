import type {
  LogExportChunk,
  LogGetResult,
  LogHistogram,
  LogSearchResult,
  LogStatus,
  Retention,
} from '../../../shared/contract'
import type { MailMessage } from '../../../shared/messages'
import type { EmailOutcome, SendRecord, SendRecordRow } from '../mail'
import type { ExportInput } from './export'
import type { GetInput, HistogramInput, SearchInput } from './queries'
import type { BuiltLines, ContainerLine, ContainerRef } from './rows'
import type { CollectorStatus } from './store'

type Awaitable<T> = T | Promise<T>

/** Gets the facts of the accepted lines' rows, and the lines themselves (not held meanwhile). */
export type OnBuilt = (built: BuiltLines, lines: readonly ContainerLine[]) => void

/**
 * What the handlers, the collector, the Tail and the catch-up use of the log store. The app's
 * is the WorkerLogStore (answers from its thread); a LogStore answers the same at once.
 */
export interface LogStoreApi {
  readonly path: string
  collectorStatus: () => CollectorStatus
  ingestMail(mail: MailMessage): Promise<{ stored: boolean }>
  /**
   * Queues lines a container printed (those beyond the queue's bound are dropped, counted);
   * `onBuilt` gets what the Tail needs of the accepted lines' rows, once, when they are made.
   */
  ingestLogLines(
    container: ContainerRef | string,
    lines: readonly ContainerLine[],
    onBuilt?: OnBuilt,
  ): { accepted: number; dropped: number }
  flush(): Promise<void>
  search(input: SearchInput): Awaitable<LogSearchResult>
  get(input: GetInput): Awaitable<LogGetResult>
  exportChunk(input: ExportInput): Awaitable<LogExportChunk>
  histogram(input: HistogramInput): Awaitable<LogHistogram>
  lastLineTs(container: string): Awaitable<number | null>
  recentMailMessages(limit?: number): Awaitable<MailMessage[]>
  status(): Awaitable<LogStatus>
  reset(): Awaitable<{ keptAs: string | null }>
  setRetention(retention: Retention): Awaitable<Retention>
}

/** The SendLedger's operations, answered by the worker. */
export type AsyncSendLedger = {
  open(record: SendRecord): Promise<void>
  update(name: string, rows: readonly SendRecordRow[]): Promise<void>
  read(name: string): Promise<SendRecord | undefined>
  outcomes(name: string): Promise<Map<string, EmailOutcome>>
}
