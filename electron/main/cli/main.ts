import { Command, CommanderError } from 'commander'
import { createCore, type Core } from '../core'
import { registerEngineCommand } from './engine-command'
import { registerExportCommand } from './export-command'
import { registerLogsCommand } from './logs-command'
import { registerMailboxCommands } from './mailbox-command'
import { registerSendCommand } from './send-command'
import { registerStackCommands } from './stack-command'
import { CLI_SENDER, exitCodeFor, EXIT } from './run'
import { guardConsole } from './terminal-safe'
import { errorMessage } from '../../../shared/error-message'
import { logToConsole } from '../lib/console-log'

// `maildock <command>`: the CLI over the same core and router as the app.
guardConsole(console)
let core: Core | undefined
const getCore = (): Core =>
  (core ??= createCore({
    isTrustedSender: (sender) => sender.url === CLI_SENDER.url,
    subscribe: false,
    log: logToConsole,
  }))

const program = new Command('maildock')
  .description('Control the MailDock email stack on Docker')
  .showHelpAfterError()
  .exitOverride()

registerEngineCommand(program, getCore)
registerLogsCommand(program, getCore)
registerMailboxCommands(program, getCore)
registerSendCommand(program, getCore)
registerStackCommands(program, getCore)
registerExportCommand(program, getCore)

let code: number = EXIT.ok
try {
  await program.parseAsync(process.argv)
} catch (error) {
  if (error instanceof CommanderError) {
    code = error.exitCode === 0 ? EXIT.ok : EXIT.usage
  } else {
    console.error(`maildock: ${errorMessage(error)}`)
    code = exitCodeFor(error)
  }
} finally {
  await core?.dispose()
}
process.exit(code)
