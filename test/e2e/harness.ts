import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

const root = join(import.meta.dirname, '../..')
const serverEntry = join(root, 'out/main/server.js')

export const CHROMIUM_PATH = process.env.MAILDOCK_CHROMIUM ?? '/usr/bin/chromium'
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export interface RunningApp {
  url: string
  origin: string
  process: ChildProcess
  output: string[]
  stop(): Promise<void>
}

/** Starts browser mode (the built server) and resolves with the URL it prints. */
export async function startApp(env: NodeJS.ProcessEnv = {}): Promise<RunningApp> {
  if (!existsSync(serverEntry))
    throw new Error(`${serverEntry} is missing: run npm run build first`)
  const child = spawn(process.execPath, [serverEntry, '--port', '0'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')))
  const lines = createInterface({ input: child.stdout })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`server printed no URL: ${output.join('')}`)),
      20_000,
    )
    lines.on('line', (line) => {
      output.push(line)
      const match = /(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/.exec(line)
      if (match?.[1]) {
        clearTimeout(timer)
        resolve(match[1])
      }
    })
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code}: ${output.join('')}`)),
    )
  })
  return {
    url,
    origin: new URL(url).origin,
    process: child,
    output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve()
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
        setTimeout(() => child.kill('SIGKILL'), 5_000).unref()
      }),
  }
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
}

/** A new page with page errors collected, so a test can assert the UI threw nothing. */
export async function openPage(
  browser: Browser,
  url: string,
): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 820 } })
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  await page.goto(url)
  return { page, errors }
}
