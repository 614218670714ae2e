import { execFile } from 'node:child_process'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

/** Runs `maildock ARGS` from source in a child process with `env`; never rejects. */
export function runCli(env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'electron/main/cli/main.ts', ...args],
      { env, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}
