import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { createInterface } from 'node:readline'
import { join } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { expect } from 'vitest'
import { MailStack, type MailStackOptions } from '../../resources/stack/test/mail-stack'
import { managementUrlOf } from '../support/mail-stack'
import serverLaunch from '../../electron/main/server/launch.json'

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
  const child = spawn(process.execPath, [...serverLaunch.nodeFlags, serverEntry, '--port', '0'], {
    env: { ...serverLaunch.env, ...process.env, ...env },
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

export interface AppOnMailStack {
  stack: MailStack
  app: RunningApp
  browser: Browser
  page: Page
  errors: string[]
  dataDir: string
  stop(): Promise<void>
}

/** The mail stack, browser mode pointed at its API, broker and catcher, and a page on the app. */
export async function startAppOnMailStack(
  name: string,
  options: MailStackOptions = {},
): Promise<AppOnMailStack> {
  const stack = await MailStack.start(options)
  const dataDir = mkdtempSync(join(tmpdir(), `maildock-e2e-${name}-`))
  let app: RunningApp | undefined
  let browser: Browser | undefined
  const stop = async (): Promise<void> => {
    await browser?.close()
    await app?.stop()
    await stack.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
  try {
    app = await startApp({
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_API_URL: stack.apiUrl,
      MAILDOCK_AMQP_URL: stack.amqpUrl,
      MAILDOCK_BROKER_MANAGEMENT_URL: await managementUrlOf(stack),
      MAILDOCK_CATCHER_URL: stack.catcher.baseUrl,
    })
    browser = await launchBrowser()
    const { page, errors } = await openPage(browser, app.url)
    return { stack, app, browser, page, errors, dataDir, stop }
  } catch (error) {
    await stop()
    throw error
  }
}

export async function goTo(page: Page, panel: string): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/${panel}`)
}

/**
 * Turns a Mantine switch on by clicking its visible label, then waits until it reads as checked.
 * The switch's own input is a 0×0 box, so a forced click on it lands on whatever lies beneath.
 */
export async function switchOn(page: Page, label: string): Promise<void> {
  const input = page.getByLabel(label)
  if (await input.isChecked()) return
  await page.locator('label').filter({ hasText: label }).first().click()
  await expect.poll(() => input.isChecked(), { timeout: 10_000 }).toBe(true)
}

export interface Composed {
  to: string
  subject: string
  text: string
  html?: string
}

/** Composes and sends one email from the Send panel; resolves with the id the panel shows. */
export async function compose(page: Page, email: Composed): Promise<string> {
  await goTo(page, 'send')
  await page.getByRole('tab', { name: 'Compose' }).click()
  const id = page.getByTestId('sent-id')
  const previous = (await id.count()) > 0 ? await id.textContent() : null
  const toField = page.getByTestId('address-to')
  await toField.click()
  await toField.fill(email.to)
  await toField.press('Enter')
  await page.getByTestId('compose-subject').fill(email.subject)
  await page.getByTestId('compose-text').fill(email.text)
  if (email.html !== undefined) {
    if ((await page.getByTestId('compose-html').count()) === 0)
      await page.getByRole('switch', { name: 'Add an HTML part' }).check()
    await page.getByTestId('compose-html').fill(email.html)
  }
  await page.getByTestId('compose-send').click()
  await expect.poll(() => id.textContent(), { timeout: 15_000 }).not.toBe(previous)
  return (await id.textContent()) ?? ''
}

/** Opens an email's timeline in the Emails panel. */
export async function openTimeline(page: Page, id: string): Promise<void> {
  await goTo(page, 'emails')
  await page.getByTestId('emails-search').fill(id)
  await page.getByTestId(`email-row-${id}`).click()
}

/**
 * Retries one email from the Broker panel's dead-letter view; resolves with the reason the row
 * showed once the row is gone.
 */
export async function retryDeadLetter(page: Page, id: string): Promise<string> {
  await goTo(page, 'broker')
  const row = page.getByTestId(`dlq-${id}`)
  await row.waitFor({ timeout: 15_000 })
  const reason = (await row.getByTestId('dlq-reason').textContent()) ?? ''
  await row.getByRole('checkbox').check()
  await page.getByTestId('dlq-retry').click()
  await row.waitFor({ state: 'detached', timeout: 15_000 })
  return reason
}
