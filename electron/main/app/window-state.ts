import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import { writePrivateFileSync } from '../lib/private-files'

const boundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(640).max(10_000),
  height: z.number().int().min(420).max(10_000),
  maximized: z.boolean().default(false),
})
export type WindowBounds = z.infer<typeof boundsSchema>

const DEFAULT_BOUNDS: WindowBounds = { width: 1280, height: 820, maximized: false }

/** Remembers the window's size and place in the app's data folder. */
export function windowStateStore(dataDir: string) {
  const file = join(dataDir, 'window-state.json')
  return {
    load(): WindowBounds {
      try {
        return boundsSchema.parse(JSON.parse(readFileSync(file, 'utf8')))
      } catch {
        return DEFAULT_BOUNDS
      }
    },
    save(bounds: WindowBounds): void {
      writePrivateFileSync(file, JSON.stringify(bounds))
    },
  }
}
