import { z } from 'zod'
import type { ErrorPayload } from './errors'

/** Any C0 or C1 control character, tab included: none belongs in a name or a label. */
// eslint-disable-next-line no-control-regex
const ANY_CONTROL = /[\u0000-\u001F\u007F-\u009F]/

/*
 * Upper bounds for everything a client sends: every input string, array and record is bounded so
 * that no call can make main hold more than it needs (and the WebSocket frame limit fits them all).
 */

/** Ids, names, tags, references, label keys and values. */
export const MAX_NAME = 256
/** Paths on this machine. */
export const MAX_PATH = 4096
/** Search boxes, filters, free-text fields. */
export const MAX_TEXT = 4096
/** List inputs: selections, filters, keys. */
export const MAX_ITEMS = 1000
/** A template's text or HTML part. */
export const MAX_TEMPLATE = 1024 * 1024

/** A CSV for a bulk send, in characters. */
export const MAX_CSV_BYTES = 20 * 1024 * 1024

/**
 * The largest WebSocket frame browser mode takes: the largest input (a bulk send: CSV and three
 * template parts) as JSON, where a character takes at most 3 bytes in UTF-8 and an escaped quote 2.
 */
export const MAX_FRAME_BYTES = 3 * (MAX_CSV_BYTES + 3 * MAX_TEMPLATE) + 1024 * 1024

/** Live subscriptions one window or WebSocket may hold at once. */
export const MAX_SUBSCRIPTIONS = 100

export const tooManySubscriptions = (): ErrorPayload => ({
  code: 'UNAVAILABLE',
  message: `More than ${MAX_SUBSCRIPTIONS} live subscriptions on one connection: unsubscribe from some first`,
})

export const boundedString = (max = MAX_NAME) => z.string().max(max)
export const nameString = (max = MAX_NAME) => z.string().min(1).max(max)

/** A name or label for the engine (network, volume, label key or value): no control characters. */
export const plainName = (max = MAX_NAME, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((value) => !ANY_CONTROL.test(value), { error: 'must not contain control characters' })

/** Key/value pairs (labels, build args) with bounded, control-free keys, values and count. */
export const boundedRecord = (max = 200) =>
  z
    .record(plainName(), plainName(MAX_TEXT, 0))
    .refine((record) => Object.keys(record).length <= max, {
      error: `has more than ${max} entries`,
    })
    .meta({ maxProperties: max })
