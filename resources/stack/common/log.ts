import { hostname } from 'node:os'
import { pino, type Logger } from 'pino'

export type { Logger }

/** Structured JSON logs on stdout, one line each, tagged with the service and replica. */
export function createLogger(service: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({
    level,
    base: { service, replica: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  })
}
export { errorMessage } from '../../../shared/error-message'
