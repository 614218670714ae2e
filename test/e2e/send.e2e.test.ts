// Sending from the UI against the real mail stack (RabbitMQ, api, emailer, logger, SMTP catcher):
// one email followed to "sent", a 1,000-row CSV with 3 bad rows, and a rejected email retried
// from the dead-letter view.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { waitForDelivery } from '../../resources/stack/test/expectations'
import type { MailStack } from '../../resources/stack/test/mail-stack'
import {
  compose as composeIn,
  goTo as goToIn,
  openTimeline,
  retryDeadLetter,
  startAppOnMailStack,
  type AppOnMailStack,
} from './harness'

let running: AppOnMailStack
let stack: MailStack
let page: Page
let errors: string[]
let dataDir: string
const run = Date.now().toString(36)

beforeAll(async () => {
  running = await startAppOnMailStack('send', {
    emailerEnv: { EMAILER_RETRY_DELAYS_MS: '500,1000' },
  })
  ;({ stack, page, errors, dataDir } = running)
})

afterAll(async () => {
  await running?.stop()
})

const goTo = (panel: string): Promise<void> => goToIn(page, panel)
const compose = (to: string, subject: string, text: string): Promise<string> =>
  composeIn(page, { to, subject, text })

describe('Send panel with the stack up', () => {
  it('sends one email, follows its timeline to "sent", and the SMTP server has it', async () => {
    await goTo('send')
    await expect
      .poll(() => page.getByTestId('broker-badge').textContent(), { timeout: 30_000 })
      .toContain('connected')
    const subject = `Hello from the e2e ${run}`
    const id = await compose('ann@example.org', subject, 'One email, followed to delivery.')
    await expect
      .poll(() => page.getByTestId('timeline-status').textContent(), { timeout: 30_000 })
      .toBe('sent')
    expect(await page.getByTestId('timeline-sent').textContent()).toMatch(/250/)
    const delivered = await waitForDelivery(() => stack.catcher, [id], 30_000, 500)
    expect(delivered.counts.get(id)).toBe(1)
    expect(delivered.messages[0]?.Subject).toBe(subject)
    expect(errors).toEqual([])
  })

  it('bulk sends 1,000 CSV rows of which 3 are bad: 997 delivered, the 3 reported with reasons', async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => `user${i}@example.org,User ${i},${i}`)
    rows[99] = 'not-an-address,Bad address,99' // row 101
    rows[499] = ',No address,499' // row 501
    rows[899] = 'fine@example.org,"Line\nbreak",899' // row 901: a line break in the subject
    const file = join(dataDir, 'people.csv')
    writeFileSync(file, ['email,name,code', ...rows].join('\n'))

    await goTo('send')
    await page.getByRole('tab', { name: 'Bulk from CSV' }).click()
    await page.locator('input[type="file"]').setInputFiles(file)
    await expect
      .poll(() => page.getByTestId('csv-summary').textContent(), { timeout: 10_000 })
      .toContain('1000 rows · 3 columns')
    expect(await page.getByTestId('mapping-to').inputValue()).toBe('email')
    await page.getByTestId('bulk-subject').fill(`Bulk ${run} for {{name}}`)
    await page.getByTestId('bulk-text').fill('Your code is {{code}}.')
    const started = Date.now()
    await page.getByTestId('bulk-start').click()
    await expect
      .poll(() => page.getByTestId('bulk-counts').textContent(), { timeout: 120_000 })
      .toMatch(/^1000\/1000 · accepted 997 · invalid 3 · failed 0/)
    console.log(`bulk: 997 accepted by the API in ${Date.now() - started} ms`)
    await page.getByTestId('bulk-rows').waitFor()
    expect(await page.getByTestId('bulk-row-101').textContent()).toContain(
      'to "not-an-address": is not a valid email address',
    )
    expect(await page.getByTestId('bulk-row-501').textContent()).toContain(
      'no recipient in column "email"',
    )
    expect(await page.getByTestId('bulk-row-901').textContent()).toContain(
      'subject: must not contain CR or LF',
    )
    const batchId =
      (await page.getByTestId('bulk-progress').locator('code').first().textContent()) ?? ''
    const bad = new Set([101, 501, 901])
    const ids = Array.from({ length: 1000 }, (_, i) => i + 2)
      .filter((row) => !bad.has(row))
      .map((row) => `${batchId}-r${row}`)
    const delivered = await waitForDelivery(() => stack.catcher, ids, 180_000, 1000)
    console.log(`bulk: 997 delivered ${Date.now() - started} ms after Start`)
    expect(delivered.missing).toEqual([])
    expect(delivered.duplicated).toEqual([])
    expect(delivered.messages.find((m) => m.MessageID.startsWith(`${batchId}-r2@`))?.Subject).toBe(
      `Bulk ${run} for User 0`,
    )
  })

  it('shows an email the SMTP server rejects as failed with its reply; Retry delivers it', async () => {
    await stack.catcher.rejectRecipients(550)
    let id: string
    try {
      id = await compose('rejected@example.org', `Rejected ${run}`, 'The server says no.')
      await expect
        .poll(() => page.getByTestId('timeline-status').textContent(), { timeout: 30_000 })
        .toBe('failed')
      expect(await page.getByTestId('timeline-failed').textContent()).toMatch(/550/)
      await page.getByTestId('timeline-dead-lettered').waitFor()
      await expect
        .poll(() => page.getByTestId('failure-toast').count(), { timeout: 10_000 })
        .toBeGreaterThan(0)
    } finally {
      await stack.catcher.stopRejecting()
    }

    expect(await retryDeadLetter(page, id)).toMatch(/550/)
    await openTimeline(page, id)
    await expect
      .poll(() => page.getByTestId('timeline-status').textContent(), { timeout: 30_000 })
      .toBe('sent')
    const delivered = await waitForDelivery(() => stack.catcher, [id], 30_000, 500)
    expect(delivered.counts.get(id)).toBe(1)
    expect(errors).toEqual([])
  })

  it('maildock send and maildock send --csv go through the same core', async () => {
    const env = {
      ...process.env,
      MAILDOCK_DATA_DIR: dataDir,
      MAILDOCK_API_URL: stack.apiUrl,
      MAILDOCK_AMQP_URL: stack.amqpUrl,
    }
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['bin/maildock.js', 'send', ...args], { env, encoding: 'utf8' })

    const one = cli(
      '--to',
      'cli@example.org',
      '--subject',
      'From {{who}}',
      '--var',
      'who=the CLI',
      '--text',
      'hi',
      '--key',
      `cli-${run}`,
    )
    expect(one.stderr).toBe('')
    expect(one.status).toBe(0)
    expect(one.stdout.trim()).toBe(`accepted cli-${run}`)

    const bad = cli('--to', 'bob@', '--subject', 'x', '--text', 'y')
    expect(bad.status).toBe(2)
    expect(bad.stderr).toContain('email.to.0: is not a valid email address')

    const file = join(dataDir, 'cli.csv')
    writeFileSync(file, 'address,name\nc1@example.org,One\nnope,Two\nc3@example.org,Three\n')
    const csv = cli(
      '--csv',
      file,
      '--to-column',
      'address',
      '--subject',
      'CLI {{name}}',
      '--text',
      'x',
    )
    expect(csv.status).toBe(1)
    expect(csv.stdout).toContain('row 3\tinvalid\tnope\tto "nope": is not a valid email address')
    expect(csv.stdout).toContain('3/3 rows: 2 accepted, 1 invalid, 0 failed')
    expect(csv.stderr).toContain('1 of 3 rows were not sent')

    const delivered = await waitForDelivery(() => stack.catcher, [`cli-${run}`], 30_000, 500)
    expect(delivered.messages[0]?.Subject).toBe('From the CLI')
  })
})
