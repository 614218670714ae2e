import { chmod, mkdir, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Command } from 'commander'
import {
  exportTargets,
  MaildockError,
  type ExportFile,
  type ExportTarget,
  type StackExport,
} from '../../../shared/contract'
import type { Core } from '../core'
import { call } from './run'

interface ExportOptions {
  target: string
  out?: string
  file?: string
  envOut?: string
  withSecrets?: boolean
  swarmPorts: string
}

/** Writes every file of the export under `dir`; secret ones (and scripts creating them) 0600. */
export async function writeExportFiles(
  dir: string,
  files: readonly ExportFile[],
): Promise<string[]> {
  const written: string[] = []
  for (const file of files) {
    const path = join(dir, file.path)
    await mkdir(dirname(path), { recursive: true })
    await writeFile(path, file.content, { mode: file.secret ? 0o600 : 0o644 })
    if (file.secret) await chmod(path, 0o600)
    written.push(path)
  }
  return written
}

function parseTarget(value: string): ExportTarget {
  const target = exportTargets.find((candidate) => candidate === value)
  if (target === undefined) {
    throw new MaildockError(
      'INVALID_INPUT',
      `--target must be one of ${exportTargets.join(', ')}, not ${value}`,
    )
  }
  return target
}

/** compose without --out: the compose file on stdout (or --file) and the env file at --env-out. */
async function writeComposeLegacy(exported: StackExport, options: ExportOptions): Promise<void> {
  if (options.file) {
    await writeFile(options.file, exported.compose)
    console.error(`maildock: wrote ${options.file}`)
  } else console.log(exported.compose)
  if (options.envOut) {
    await writeFile(options.envOut, exported.env, { mode: 0o600 })
    await chmod(options.envOut, 0o600)
    console.error(
      `maildock: wrote ${options.envOut}${options.withSecrets ? ' (with secrets, mode 0600)' : ''}`,
    )
  }
}

export function registerExportCommand(program: Command, core: () => Core): void {
  program
    .command('export')
    .description('write the stack for another engine: compose (default), swarm or kubernetes')
    .option('--target <target>', `one of ${exportTargets.join(', ')}`, 'compose')
    .option('--out <dir>', 'write every file of the export into this folder')
    .option('--file <file>', 'compose: write the compose file here instead of printing it')
    .option('--env-out <file>', 'compose: write the variables the file reads (mode 0600)')
    .option('--with-secrets', 'put the passwords into the env file or create-secrets.sh (0600)')
    .option('--swarm-ports <mode>', 'swarm: host (DNS round robin, no IPVS) or ingress', 'host')
    .action(async (options: ExportOptions) => {
      const target = parseTarget(options.target)
      if (options.swarmPorts !== 'host' && options.swarmPorts !== 'ingress') {
        throw new MaildockError('INVALID_INPUT', '--swarm-ports must be host or ingress')
      }
      if (target !== 'compose' && options.out === undefined) {
        throw new MaildockError(
          'INVALID_INPUT',
          `The ${target} export is a folder: pass --out <dir>`,
        )
      }
      const exported = await call(core(), 'stack:export', {
        includeSecrets: options.withSecrets === true,
        target,
        swarmPorts: options.swarmPorts,
      })
      if (options.out !== undefined) {
        for (const path of await writeExportFiles(options.out, exported.files)) {
          console.error(`maildock: wrote ${path}`)
        }
      } else await writeComposeLegacy(exported, options)
      if (!options.withSecrets) {
        const names = exported.variables.map((v) => v.name).join(', ')
        console.error(`maildock: set ${names} before running it (--with-secrets writes them)`)
      }
      console.error(`How to run it${options.out ? ` (in ${options.out})` : ''}:`)
      for (const step of exported.howToRun) console.error(`  ${step}`)
      for (const warning of exported.warnings) console.error(`note: ${warning}`)
    })
}
