import { z } from 'zod'
import { boundedRecord, MAX_TEXT, nameString, plainName } from './bounds'

// Field shapes every Docker resource in the contract shares.

/**
 * An id or name of a container, image, network or volume: only the characters the engine uses
 * in them (hex ids, names, `repo:tag`, `repo@sha256:...`), so that none can bend the request path.
 */
export const id = nameString()
  .regex(/^[A-Za-z0-9_.:/@+-]+$/, {
    error: 'must be an engine id or name (letters, digits and _ . : / @ + -)',
  })
  .refine((value) => !/(^|\/)\.{1,2}(\/|$)/.test(value), {
    error: 'must not contain a . or .. path segment',
  })
export const labels = z.record(z.string(), z.string())
export const labelsInput = boundedRecord()
/** `key` or `key=value`, as `docker ps --filter label=...` takes them. */
export const labelFilter = z.array(plainName(MAX_TEXT)).max(50)
export const ok = z.object({ ok: z.literal(true) })
