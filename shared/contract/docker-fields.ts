import { z } from 'zod'
import { boundedRecord, MAX_TEXT, nameString, plainName } from './bounds'

// Field shapes every Docker resource in the contract shares.

export const id = nameString()
export const labels = z.record(z.string(), z.string())
export const labelsInput = boundedRecord()
/** `key` or `key=value`, as `docker ps --filter label=...` takes them. */
export const labelFilter = z.array(plainName(MAX_TEXT)).max(50)
export const ok = z.object({ ok: z.literal(true) })
