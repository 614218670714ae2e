import { errorMessage, type Logger } from './log'

/**
 * Runs `shutdown` once on SIGTERM or SIGINT, then exits: 0 when it finished in time, 1 when it
 * threw or took longer than `timeoutMs` (Docker's stop timeout should be a little longer).
 */
export function onShutdownSignal(log: Logger, timeoutMs: number, shutdown: () => Promise<void>) {
  let started = false
  const handle = (signal: NodeJS.Signals) => {
    if (started) return
    started = true
    log.info({ signal }, 'shutting down')
    const timer = setTimeout(() => {
      log.error({ timeoutMs }, 'shutdown took too long, exiting')
      process.exit(1)
    }, timeoutMs)
    timer.unref()
    shutdown().then(
      () => {
        log.info('shutdown complete')
        process.exit(0)
      },
      (error: unknown) => {
        log.error({ err: errorMessage(error) }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', handle)
  process.on('SIGINT', handle)
}
