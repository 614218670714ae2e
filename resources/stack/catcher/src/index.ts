// Entry point of the maildock/catcher image. `node index.js healthcheck` probes a running one.
import { startCatcher } from './catcher'
import { readConfig } from './config'
import { headerSummary } from './parse'
import { createLineLog } from './log-lines'

const lines = createLineLog((text) => process.stdout.write(text))
const log = lines.log

async function healthcheck(): Promise<void> {
  const { httpPort } = readConfig()
  const response = await fetch(`http://127.0.0.1:${httpPort}/livez`, {
    signal: AbortSignal.timeout(2_000),
  })
  if (!response.ok) throw new Error(`livez answered ${response.status}`)
}

async function main(): Promise<void> {
  const config = readConfig()
  const catcher = await startCatcher({
    ...config,
    onStored: (message) =>
      log({
        msg: 'message stored',
        id: message.ID,
        ...headerSummary(message.Headers),
        size: message.Size,
      }),
    onRejected: (stage, code) => log({ msg: 'chaos rejected', stage, code }),
  })
  log({ msg: 'listening', smtpPort: catcher.smtpPort, httpPort: catcher.httpPort })

  let stopping = false
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return
    stopping = true
    log({ msg: 'stopping', signal })
    catcher.close().then(
      () => {
        lines.flush()
        process.exit(0)
      },
      (error: unknown) => {
        log({ msg: 'close failed', error: String(error) })
        lines.flush()
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
}

const run = process.argv[2] === 'healthcheck' ? healthcheck : main
run().catch((error: unknown) => {
  lines.flush()
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
