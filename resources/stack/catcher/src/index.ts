// Entry point of the maildock/catcher image. `node index.js healthcheck` probes a running one.
import { createLogger } from '../../common/log'
import { startCatcher } from './catcher'
import { readConfig } from './config'
import { createArrivalLog } from './arrival-log'

// pino's stdout destination writes asynchronously: the lines logged while a write is on its way
// go out together in the next (one pipe write per caught message otherwise); it is flushed on exit.
const log = createLogger('catcher')

async function healthcheck(): Promise<void> {
  const { httpPort } = readConfig()
  const response = await fetch(`http://127.0.0.1:${httpPort}/livez`, {
    signal: AbortSignal.timeout(2_000),
  })
  if (!response.ok) throw new Error(`livez answered ${response.status}`)
}

async function main(): Promise<void> {
  const config = readConfig()
  const arrivals = createArrivalLog(log)
  const catcher = await startCatcher({
    ...config,
    onStored: (message) => arrivals.stored(message),
    onRejected: (stage, code) => log.info({ stage, code }, 'chaos rejected'),
  })
  log.info({ smtpPort: catcher.smtpPort, httpPort: catcher.httpPort }, 'listening')

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    arrivals.flush()
    log.info({ signal }, 'stopping')
    catcher.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ error: String(error) }, 'close failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

const run = process.argv[2] === 'healthcheck' ? healthcheck : main
run().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
