// Sending from the UI against the real mail stack (RabbitMQ, api, emailer, logger, SMTP catcher):
// one email followed to "sent", a CSV send with 2 bad rows (checked, confirmed, each row to
// "sent", sent once however often Send is clicked), and a rejected email retried from the
// dead-letter view.
import { spawnSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { countByEmailId } from '../../resources/stack/test/catcher-client'
import { delay } from '../../resources/stack/test/docker-helpers'
import { waitForDelivery } from '../../resources/stack/test/expectations'
import type { MailStack } from '../../resources/stack/test/mail-stack'
import { blocking, runAxe, showColorScheme } from './axe'
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

  it('bulk send of 20 rows, 2 invalid: says so before sending, asks, shows each row to "sent"; a double click sends each row once', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => `bulk${i}@example.org,User ${i}`)
    rows[4] = 'not-an-address,Bad address' // row 6
    rows[12] = ',No address' // row 14
    const file = join(dataDir, 'people.csv')
    writeFileSync(file, ['email,name', ...rows].join('\n'))

    await goTo('send')
    await page.getByRole('tab', { name: 'Bulk from CSV' }).click()
    await page.locator('input[type="file"]').setInputFiles(file)
    await expect
      .poll(() => page.getByTestId('csv-summary').textContent(), { timeout: 10_000 })
      .toContain('20 rows · 2 columns')
    await page.getByTestId('bulk-subject').fill(`Bulk ${run} for {{name}}`)
    await page.getByTestId('bulk-text').fill('Hello {{name}}.')
    await expect
      .poll(() => page.getByTestId('bulk-check').textContent(), { timeout: 10_000 })
      .toContain('18 valid, 2 will be skipped')
    expect(await page.getByTestId('bulk-check-row-6').textContent()).toContain(
      'to "not-an-address": is not a valid email address',
    )
    expect(await page.getByTestId('bulk-check-row-14').textContent()).toContain(
      'no recipient in column "email"',
    )
    expect(await page.getByTestId('bulk-start').textContent()).toBe('Send 18 emails')
    const name = await page.getByTestId('bulk-name-input').inputValue()
    expect(name).toMatch(/^people-\d{8}-\d{6}$/)

    await page.getByTestId('bulk-start').dblclick()
    const dialog = page.getByRole('dialog')
    expect(await dialog.textContent()).toContain('Send 18 emails?')
    expect(await dialog.textContent()).toContain('18 valid, 2 will be skipped')
    await dialog.getByRole('button', { name: 'Send now' }).dblclick()
    await expect
      .poll(() => page.getByTestId('report-counts').textContent(), { timeout: 60_000 })
      .toContain(
        '20 rows · accepted 18 · sent 18 · retried 0 · failed 0 · dead-lettered 0 · caught 18 · skipped 2',
      )
    for (let row = 2; row <= 21; row += 1) {
      const expected = row === 6 || row === 14 ? 'skipped' : 'sent'
      expect(await page.getByTestId(`report-row-${row}`).textContent()).toContain(expected)
    }
    await page.getByTestId('bulk-again').waitFor()
    for (const scheme of ['light', 'dark'] as const) {
      await showColorScheme(page, scheme)
      if (process.env.MAILDOCK_SCREENSHOTS) {
        const path = join(process.env.MAILDOCK_SCREENSHOTS, `bulk-report-${scheme}.png`)
        await page.screenshot({ path, fullPage: true })
      }
      const found = blocking(await runAxe(page))
      expect(
        found.map((v) => `${scheme} ${v.impact} ${v.id} ${v.nodes[0]?.target.join(' ')}`),
      ).toEqual([])
    }

    // The catcher has each of the send's emails exactly once (a late duplicate would show too).
    await delay(2_000)
    const caught = await stack.catcher.search(`tag:"${name}"`)
    const counts = countByEmailId(caught)
    expect(caught).toHaveLength(18)
    expect([...counts.values()].every((n) => n === 1)).toBe(true)
    expect(counts.has(`${name}-r2`) && !counts.has(`${name}-r6`)).toBe(true)

    const download = page.waitForEvent('download')
    await page.getByTestId('report-export').click()
    const csv = readFileSync(await (await download).path(), 'utf8')
      .trim()
      .split('\n')
    expect(csv).toHaveLength(21)
    expect(csv[0]).toBe('row,to,email_id,outcome,retries,caught,detail')

    await page.getByTestId('report-row-2').getByRole('link').click()
    await expect
      .poll(() => page.getByTestId('timeline-status').textContent(), { timeout: 10_000 })
      .toBe('sent')
    expect(errors).toEqual([])
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
      MAILDOCK_CATCHER_URL: stack.catcher.baseUrl,
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
      '--report',
      join(dataDir, 'cli-report.csv'),
    )
    expect(csv.status).toBe(1)
    const report = readFileSync(join(dataDir, 'cli-report.csv'), 'utf8').trim().split('\n')
    expect(report).toHaveLength(4)
    expect(report[2]).toMatch(/^3,nope,,skipped,0,no,/)
    expect(csv.stdout).toMatch(
      /report .*cli-report\.csv: 3 rows, 2 accepted, .* 2 caught, 1 skipped/,
    )
    expect(csv.stdout).toContain('row 3\tinvalid\tnope\tto "nope": is not a valid email address')
    expect(csv.stdout).toContain('3/3 rows: 2 accepted, 1 invalid, 0 failed')
    expect(csv.stderr).toContain('1 of 3 rows were not sent')

    const delivered = await waitForDelivery(() => stack.catcher, [`cli-${run}`], 30_000, 500)
    expect(delivered.messages[0]?.Subject).toBe('From the CLI')
  })
})
