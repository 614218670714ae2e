import { execFileSync } from 'node:child_process'

/** The docker CLI, as the user would run it next to MailDock. */
export function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim()
}
