import { MaildockError, type ErrorCode, type StoreUpgrade } from '../../../shared/contract'
import type { BuiltLines, ContainerLine, ContainerRef } from './rows'
import type { LogStoreOptions } from './store'
import type { OnBuilt } from './store-api'

/** What the worker needs to open its store: the options without the functions. */
export type WorkerStoreOptions = Omit<LogStoreOptions, 'log' | 'onUpgrade'>

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
  | 'heap'
  | 'close'

/** The worker's V8 heap in bytes: committed, in use (live or not yet collected), and its bound. */
export interface WorkerHeap {
  total: number
  used: number
  limit: number
}

export type ToWorker = { kind: 'call'; id: number; op: StoreOp; args: unknown[] } | LinesMessage

/**
 * A batch of lines a container printed, made into rows by the worker; `seq` grows by one per
 * batch. `now` stands in for a missing engine time, so a batch sent again makes the same keys.
 */
export interface LinesMessage {
  kind: 'lines'
  seq: number
  container: ContainerRef | string
  lines: PackedLines
  now: number
  build: boolean
}

/**
 * Lines as they cross to the worker and wait for their commit: one UTF-8 buffer (outside the JS
 * heap: holding many batches costs the main thread's garbage collector nothing) and where each
 * text, then each time, ends in it once decoded.
 */
export interface PackedLines {
  bytes: Uint8Array<ArrayBuffer>
  ends: Uint32Array<ArrayBuffer>
  /** 1 for a stderr line. */
  stderr: Uint8Array<ArrayBuffer>
}

const encoder = new TextEncoder()
// A leading U+FEFF is a line's own character here, not a byte order mark to drop.
const decoder = new TextDecoder('utf-8', { ignoreBOM: true })

/** Texts from the engine's stream are well-formed UTF-16 (decoded from UTF-8): they come back the same. */
export function packLines(lines: readonly ContainerLine[]): PackedLines {
  const count = lines.length
  const parts = new Array<string>(2 * count)
  const ends = new Uint32Array(2 * count)
  const stderr = new Uint8Array(count)
  let at = 0
  const add = (k: number, part: string) => {
    parts[k] = part
    at += part.length
    ends[k] = at
  }
  lines.forEach((line, i) => {
    add(i, line.text)
    stderr[i] = line.stream === 'stderr' ? 1 : 0
  })
  lines.forEach((line, i) => add(count + i, line.time))
  return { bytes: encoder.encode(parts.join('')), ends, stderr }
}

export function unpackLines({ bytes, ends, stderr }: PackedLines): ContainerLine[] {
  const all = decoder.decode(bytes)
  const piece = (k: number) => all.slice(k === 0 ? 0 : ends[k - 1], ends[k])
  return Array.from(stderr, (flag, i) => ({
    stream: flag === 1 ? 'stderr' : 'stdout',
    time: piece(stderr.length + i),
    text: piece(i),
  }))
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
  /** Opening an older file upgrades it first: each step, then null once it is done. */
  | { kind: 'upgrade'; upgrade: StoreUpgrade | null }

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
