// The stack end to end: images built from this checkout, a real RabbitMQ, a real SMTP catcher.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUES } from '../../../shared/messages'
import { postMany } from './api-client'
import { execText, waitFor } from './docker-helpers'
import { idsLogged, parseLogFile, waitForDelivery } from './expectations'
import { MailStack } from './mail-stack'

let stack: MailStack

beforeAll(async () => {
  stack = await MailStack.start()
})

afterAll(async () => {
  await stack?.stop()
})

describe('the mail stack', () => {
  it('delivers N posted emails once each and logs N requests and N outcomes', async () => {
    const count = 40
    const ids = Array.from({ length: count }, (_, index) => `happy-${index}`)
    await postMany(stack.apiUrl, count, (index) =>
      index % 4 === 0
        ? {
            key: ids[index] ?? '',
            path: '/send',
            body: { toaddr: `legacy${index}@example.com`, subject: `Legacy ${index}`, body: 'hi' },
          }
        : {
            key: ids[index] ?? '',
            body: {
              to: [`to${index}@example.com`, `also${index}@example.com`],
              cc: `cc${index}@example.org`,
              subject: `Hello ${index} ✓`,
              text: `Text ${index}`,
              html: `<p>Html ${index}</p>`,
            },
          },
    )

    const delivered = await waitForDelivery(() => stack.catcher, ids, 60_000)
    expect(delivered.missing).toEqual([])
    expect(delivered.duplicated).toEqual([])
    for (const message of delivered.messages) {
      const index = Number(message.MessageID.replace(/^happy-(\d+)@.*$/, '$1'))
      const to = (message.To ?? []).map((address) => address.Address)
      if (index % 4 === 0) {
        expect(to).toEqual([`legacy${index}@example.com`])
        expect(message.Subject).toBe(`Legacy ${index}`)
      } else {
        expect(to).toEqual([`to${index}@example.com`, `also${index}@example.com`])
        expect((message.Cc ?? []).map((address) => address.Address)).toEqual([
          `cc${index}@example.org`,
        ])
        expect(message.Subject).toBe(`Hello ${index} ✓`)
      }
    }

    const wanted = new Set(ids)
    const logged = await waitFor(
      'the logger to write every request and outcome',
      async () => {
        const records = parseLogFile(await stack.loggerFile())
        const mine = records.filter((record) => wanted.has(record.emailId ?? ''))
        const requests = idsLogged(mine, (record) => record.kind === 'request')
        const sent = idsLogged(mine, (record) => record.eventType === 'sent')
        return requests.size === count && sent.size === count ? mine : undefined
      },
      30_000,
    )
    expect(logged.filter((record) => record.kind === 'request')).toHaveLength(count)
    expect(logged.filter((record) => record.eventType === 'sent')).toHaveLength(count)
    // The request's broker confirm is its acceptance: the api publishes no separate event.
    expect(logged.filter((record) => record.eventType === 'accepted')).toHaveLength(0)
  })

  it('shares the work between two emailer replicas and still sends each email once', async () => {
    const replica = await stack.startEmailerReplica('emailer-2')
    try {
      const count = 200
      const ids = Array.from({ length: count }, (_, index) => `replicas-${index}`)
      await postMany(stack.apiUrl, count, (index) => ({
        key: ids[index] ?? '',
        body: { to: `r${index}@example.com`, subject: `Replicas ${index}`, text: 'shared' },
      }))
      const delivered = await waitForDelivery(() => stack.catcher, ids, 60_000)
      expect({ missing: delivered.missing, duplicated: delivered.duplicated }).toEqual({
        missing: [],
        duplicated: [],
      })
      const sentBy = await waitFor(
        'a sent event for every email',
        async () => {
          const records = parseLogFile(await stack.loggerFile())
          const sent = records.filter(
            (record) => record.eventType === 'sent' && ids.includes(record.emailId ?? ''),
          )
          return sent.length === count ? sent : undefined
        },
        30_000,
      )
      const replicas = new Set(sentBy.map((record) => record.event?.replica))
      expect([...replicas].sort()).toEqual(['emailer', 'emailer-2'])
    } finally {
      await replica.remove({ force: true })
    }
  })

  it.each([
    ['malformed JSON', 'application/json', '{"to": "a@b.co", ', 400, /not valid JSON/],
    [
      'the wrong content type',
      'text/plain',
      'to=a@b.co',
      415,
      /Content-Type must be application\/json/,
    ],
    [
      'missing fields',
      'application/json',
      '{"to": "a@b.co"}',
      400,
      /subject: is required; text: is required/,
    ],
    [
      'an invalid address',
      'application/json',
      '{"to": "nobody@", "subject": "s", "text": "t"}',
      400,
      /to\.0: is not a valid email address/,
    ],
    [
      'CR/LF in the subject',
      'application/json',
      JSON.stringify({ to: 'a@b.co', subject: 'x\r\nBcc: e@f.gh', text: 't' }),
      400,
      /subject: must not contain CR or LF/,
    ],
    [
      'CR/LF in an address',
      'application/json',
      JSON.stringify({ to: 'a@b.co\r\nBcc: e@f.gh', subject: 's', text: 't' }),
      400,
      /to\.0: must not contain CR or LF/,
    ],
    [
      'a 10 MB body',
      'application/json',
      JSON.stringify({ to: 'a@b.co', subject: 's', text: 'x'.repeat(10 * 1024 * 1024) }),
      413,
      /larger than the limit/,
    ],
  ])(
    'answers %s with a 4xx naming the problem',
    async (_what, contentType, body, status, message) => {
      const response = await fetch(`${stack.apiUrl}/emails`, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body,
      })
      expect(response.status).toBe(status)
      expect(((await response.json()) as { message: string }).message).toMatch(message)
      const after = await fetch(`${stack.apiUrl}/emails`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: 'still@example.com', subject: 'still serving', text: 'ok' }),
      })
      expect(after.status).toBe(202)
    },
  )

  it('runs the services as uid 1000 with a writable /data', async () => {
    for (const service of ['api', 'emailer', 'logger'] as const) {
      expect((await execText(stack.container(service), ['id', '-u'])).trim()).toBe('1000')
    }
    const listing = await execText(stack.container('emailer'), ['ls', '/data/ledger'])
    expect(listing).toMatch(/emailer\.ledger/)
  })

  it('declares its topology again when the broker loses it', async () => {
    const connection = await stack.connectBroker()
    try {
      const admin = await connection.createChannel()
      await admin.deleteQueue(QUEUES.logger)
      // The logger's consumer is cancelled; it reconnects and declares its queue again.
      await waitFor(
        'the logger queue to be back with its consumer',
        async () => {
          // A missing queue makes the broker close the probe channel (404), so no close here.
          const probe = await connection.createChannel()
          probe.on('error', () => undefined)
          const queue = await probe.checkQueue(QUEUES.logger)
          await probe.close()
          return queue.consumerCount === 1 ? true : undefined
        },
        30_000,
      )
    } finally {
      await connection.close()
    }
  })

  it('stops each service gracefully on SIGTERM (exit code 0)', async () => {
    for (const service of ['api', 'logger', 'emailer'] as const) {
      const container = stack.container(service)
      await container.stop({ t: 25 })
      const state = (await container.inspect()).State
      expect({ service, exitCode: state.ExitCode }).toEqual({ service, exitCode: 0 })
      expect(await stack.logsOf(service, 20)).toMatch(/shutdown complete/)
    }
  })
})
