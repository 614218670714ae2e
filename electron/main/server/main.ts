import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createCore } from '../core'
import { logToConsole } from '../lib/console-log'
import { startServer } from './server'

// Browser mode entry: `npm run serve -- [--port N]`. Prints one line with the URL to open.
const { values } = parseArgs({
  options: { port: { type: 'string' }, renderer: { type: 'string' } },
})
const port = values.port ? Number(values.port) : 0
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`Invalid --port ${values.port}: give a number from 0 to 65535`)
  process.exit(2)
}

const here = dirname(fileURLToPath(import.meta.url))
let origin = ''
const core = createCore({
  isTrustedSender: (sender) => sender.isMainFrame && sender.url.startsWith(`${origin}/`),
  log: logToConsole,
})

try {
  const server = await startServer({
    router: core.router,
    rendererDir: values.renderer ?? join(here, '../renderer'),
    port,
    messageDocument: (request, frameAncestors) => core.messageDocument(request, frameAncestors),
  })
  origin = server.origin
  console.log(`MailDock is serving at ${server.url}`)
  const stop = (): void => {
    void server
      .close()
      .then(() => core.dispose())
      .then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
} catch (error) {
  const err = error as NodeJS.ErrnoException
  console.error(
    err.code === 'EADDRINUSE'
      ? `Port ${port} on 127.0.0.1 is already in use: pick another with --port`
      : err.message,
  )
  await core.dispose()
  process.exit(1)
}
