import { MaildockError, type ErrorCode } from '../../../shared/contract'
import type { BuiltLines, ContainerLine, ContainerRef } from './rows'
import type { LogStoreOptions } from './store'
import type { OnBuilt } from './store-api'

/** What the worker needs to open its store: the options without the log function. */
export type WorkerStoreOptions = Omit<LogStoreOptions, 'log'>

/** The store's operations a client may call; each answers once. */
export type StoreOp =
  | 'ingestMail'
  | 'flush'
  | 'search'
  | 'get'
  | 'exportChunk'
  | 'histogram'
  | 'lastLineTs'
  | 'recentMailMessages'
  | 'status'
  | 'reset'
  | 'setRetention'
  | 'runRetention'
  | 'ledger'
  | 'close'

export type ToWorker = { kind: 'call'; id: number; op: StoreOp; args: unknown[] } | LinesMessage

/**
 * A batch of lines a container printed, made into rows by the worker; `seq` grows by one per
 * batch. `now` stands in for a missing engine time, so a batch sent again makes the same keys.
 */
export interface LinesMessage {
  kind: 'lines'
  seq: number
  container: ContainerRef | string
  lines: readonly ContainerLine[]
  now: number
  build: boolean
}

/** A batch of lines the client keeps until committed; `onBuilt` is dropped once it was called. */
export interface LineBatch extends Omit<LinesMessage, 'kind' | 'build'> {
  onBuilt: OnBuilt | undefined
}

export const linesMessage = ({ onBuilt, ...batch }: LineBatch): LinesMessage => ({
  kind: 'lines',
  ...batch,
  build: onBuilt !== undefined,
})

export type FromWorker =
  | { kind: 'result'; id: number; ok: true; value: unknown }
  | { kind: 'result'; id: number; ok: false; error: CarriedError }
  /** What the Tail needs of batch `seq`'s rows (asked for with `build`), sent as they are made. */
  | ({ kind: 'built'; seq: number } & BuiltLines)
  /** Every line batch up to `seq` is committed (or was refused by SQLite itself). */
  | { kind: 'committed'; seq: number }
  | { kind: 'log'; message: string; error?: string }

/** An error as it crosses the thread boundary: a MaildockError keeps its code and details. */
export interface CarriedError {
  message: string
  code?: ErrorCode
  details?: unknown
}

export function carryError(error: unknown): CarriedError {
  if (error instanceof MaildockError) {
    return error.details === undefined
      ? { message: error.message, code: error.code }
      : { message: error.message, code: error.code, details: error.details }
  }
  return { message: error instanceof Error ? error.message : String(error) }
}

export function restoreError(carried: CarriedError): Error {
  return carried.code === undefined
    ? new Error(carried.message)
    : new MaildockError(carried.code, carried.message, carried.details)
}
