import { z } from 'zod'

/** Frames a browser-mode client sends over the WebSocket (documented in the README). */
export const clientFrame = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('call'),
    id: z.union([z.string(), z.number()]),
    channel: z.string(),
    input: z.unknown(),
  }),
  z.object({
    type: z.literal('subscribe'),
    id: z.union([z.string(), z.number()]),
    event: z.string(),
    input: z.unknown(),
  }),
  z.object({ type: z.literal('unsubscribe'), id: z.union([z.string(), z.number()]) }),
])
