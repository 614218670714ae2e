import type { Command } from 'commander'
import { MaildockError } from '../../../shared/contract'
import type { Core } from '../core'
import { call } from './run'

export function registerEngineCommand(program: Command, core: () => Core): void {
  program
    .command('engine')
    .description('show the Docker engine MailDock connects to')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await call(core(), 'engine:status', {})
      if (options.json) console.log(JSON.stringify(status, null, 2))
      else if (status.state === 'connected') {
        const { info } = status
        console.log(`${status.endpoint.address} (${status.endpoint.source})`)
        console.log(`Docker ${info.version} (API ${info.apiVersion}) on ${info.os} ${info.arch}`)
        console.log(
          `${info.containers.running}/${info.containers.total} containers running, ${info.images} images`,
        )
      }
      if (status.state !== 'connected') {
        const reason = status.state === 'unreachable' ? status.error : 'still connecting'
        throw new MaildockError(
          'ENGINE_UNREACHABLE',
          `Docker engine at ${status.endpoint.address}: ${reason}`,
        )
      }
    })
}
