// The Mailbox panel on the real mail stack (RabbitMQ, api, emailer, logger, SMTP catcher), in
// Chromium: an HTML email sent from the Send panel shown sandboxed (its script does not run, its
// remote image is fetched only once the user allows it) and linked to its timeline both ways; failure injection from the
// panel dead-letters an email with the 550 reply, and after a reset its retry is caught.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postEmail } from '../support/stack'
import {
  compose,
  goTo,
  openTimeline,
  retryDeadLetter,
  startAppOnMailStack,
  type AppOnMailStack,
} from './harness'

let running: AppOnMailStack
let page: Page
const run = Date.now().toString(36)

/** A loopback HTTP server that counts what is asked of it: the email's remote image. */
const pixel = { server: undefined as Server | undefined, url: '', paths: [] as string[] }

beforeAll(async () => {
  const server = createServer((request, response) => {
    pixel.paths.push(request.url ?? '')
    response.writeHead(200, { 'content-type': 'image/png' }).end()
  })
  pixel.server = server
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  pixel.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  running = await startAppOnMailStack('mailbox', {
    emailerEnv: { EMAILER_RETRY_DELAYS_MS: '500,1000' },
  })
  page = running.page
})

afterAll(async () => {
  await running?.stop()
  await new Promise((resolve) => (pixel.server ? pixel.server.close(resolve) : resolve(null)))
})

const hash = (): string => new URL(page.url()).hash
const status = () => page.getByTestId('timeline-status').textContent()

/** The Mailbox searched for `words`: its rows. */
async function mailboxRows(words: string) {
  await goTo(page, 'mailbox')
  await page.getByTestId('mailbox-search').fill(words)
  return page.getByTestId('mailbox-row')
}

describe('Mailbox with the stack up', () => {
  it('shows a sent HTML email sandboxed (no script; its remote image only once allowed), linked to its timeline and back', async () => {
    const word = `framed${run}`
    const subject = `Framed ${word}`
    const html = [
      `<h1>Hello from ${word}</h1>`,
      '<p id="marker">script did not run</p>',
      "<script>document.getElementById('marker').textContent='script ran';",
      "parent.document.title='pwned'</script>",
      `<img src="${pixel.url}/pixel.png" alt="pixel">`,
    ].join('')
    const id = await compose(page, { to: 'ann@example.org', subject, text: 'Text part.', html })
    await expect.poll(status, { timeout: 30_000 }).toBe('sent')
    const sentAt = Date.now()

    const rows = await mailboxRows(word)
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(1)
    console.log(`mailbox: listed ${Date.now() - sentAt} ms after the timeline said "sent"`)
    const messageId = (await rows.first().getAttribute('data-id')) ?? ''
    await rows.first().click()
    const frame = page.frameLocator('[data-testid="message-html"]')
    await expect
      .poll(() => frame.getByRole('heading').textContent(), { timeout: 15_000 })
      .toBe(`Hello from ${word}`)
    expect(await frame.locator('#marker').textContent()).toBe('script did not run')
    expect(await page.title()).not.toBe('pwned')
    expect(await page.getByTestId('remote-images-blocked').isVisible()).toBe(true)
    expect(pixel.paths).toEqual([])

    // Allowed for this message: its document is served again with img-src http: https:.
    await page.getByTestId('allow-remote-images').click()
    await expect.poll(() => pixel.paths, { timeout: 15_000 }).toEqual(['/pixel.png'])
    await expect
      .poll(() => frame.getByRole('heading').textContent(), { timeout: 15_000 })
      .toBe(`Hello from ${word}`)
    expect(await frame.locator('#marker').textContent()).toBe('script did not run')
    expect(await page.title()).not.toBe('pwned')

    await page.getByTestId('tab-headers').click()
    const idHeader = page
      .getByTestId('message-headers')
      .getByRole('row', { name: /X-MailDock-Id/i })
    expect(await idHeader.textContent()).toContain(id)

    await page.getByTestId('message-timeline-link').click()
    await expect.poll(hash).toBe(`#/emails?id=${encodeURIComponent(id)}`)
    await expect
      .poll(() => page.getByTestId('email-timeline').textContent(), { timeout: 30_000 })
      .toContain(id)
    expect(await status()).toBe('sent')
    await page.getByTestId('timeline-caught-link').click({ timeout: 30_000 })
    await expect.poll(hash).toBe(`#/mailbox?id=${encodeURIComponent(messageId)}`)
    await expect
      .poll(() => page.getByTestId('message-subject').textContent(), { timeout: 15_000 })
      .toBe(subject)
    // Shown again, the message is blocked again: still the one request.
    expect(pixel.paths).toEqual(['/pixel.png'])
    expect(running.errors).toEqual([])
  })

  it('chaos from the Mailbox: a 550 dead-letters one email of three; reset, retry, caught', async () => {
    const word = `chaos${run}`
    // The catcher's chaos rejects every recipient while it is on (Mailpit's Recipient stage has
    // no address filter), so the two that must get through are caught before it is switched on.
    await Promise.all(
      ['ann@example.org', 'bob@example.org'].map((to) =>
        postEmail(running.stack.apiUrl, `${word} for ${to}`, to),
      ),
    )
    const rows = await mailboxRows(word)
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2)

    await page.getByTestId('chaos-open').click()
    await page.getByTestId('chaos-code').fill('550')
    await page.getByTestId('chaos-probability').fill('100')
    await page.getByTestId('chaos-apply').click()
    await expect
      .poll(() => page.getByTestId('chaos-banner').textContent(), { timeout: 15_000 })
      .toContain('Recipient 550 (100%)')

    const doomed = await postEmail(
      running.stack.apiUrl,
      `${word} for rejected`,
      'rejected@example.org',
    )
    await openTimeline(page, doomed)
    await expect.poll(status, { timeout: 60_000 }).toBe('failed')
    expect(await page.getByTestId('timeline-failed').textContent()).toMatch(/550/)
    await page.getByTestId('timeline-dead-lettered').waitFor({ timeout: 15_000 })
    const still = await mailboxRows(word)
    await expect.poll(() => still.count(), { timeout: 15_000 }).toBe(2)

    await page.getByTestId('chaos-reset').click()
    await expect.poll(() => page.getByTestId('chaos-banner').count(), { timeout: 15_000 }).toBe(0)
    expect(await retryDeadLetter(page, doomed)).toMatch(/550/)

    const after = await mailboxRows(word)
    await expect.poll(() => after.count(), { timeout: 60_000 }).toBe(3)
    expect(await after.filter({ hasText: 'rejected@example.org' }).count()).toBe(1)
    await openTimeline(page, doomed)
    await expect.poll(status, { timeout: 30_000 }).toBe('sent')
    expect(await page.getByTestId('timeline-retried').textContent()).toMatch(/Retried by you/)
    await page.getByTestId('timeline-caught').waitFor({ timeout: 30_000 })
    expect(running.errors).toEqual([])
  })
})
