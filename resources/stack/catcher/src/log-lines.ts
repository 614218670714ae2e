// The catcher's own log: one JSON line per event on stdout. Lines are gathered and written once
// per turn of the event loop: stdout to a pipe is a blocking write each, one per caught message
// otherwise.
export type LogFields = Record<string, unknown>

export interface LineLog {
  log: (fields: LogFields) => void
  /** Writes what is gathered now (before the process exits). */
  flush: () => void
}

export function createLineLog(write: (text: string) => void): LineLog {
  let pending: string[] = []
  let scheduled = false
  const flush = (): void => {
    scheduled = false
    if (pending.length === 0) return
    const text = pending.join('')
    pending = []
    write(text)
  }
  return {
    log(fields) {
      pending.push(`${JSON.stringify({ time: new Date().toISOString(), ...fields })}\n`)
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
    flush,
  }
}
