// Quorum queues on the real broker: every service declares them (AMQP_QUEUE_TYPE=quorum) with a
// delivery limit, and finds the broker in a list of nodes (AMQP_URL) whose first one is missing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUES, QUORUM_DELIVERY_LIMIT } from '../../../shared/messages'
import { postMany } from './api-client'
import { execText } from './docker-helpers'
import { waitForDelivery } from './expectations'
import { BROKER_PASSWORD, BROKER_USER, MailStack } from './mail-stack'

const login = `${BROKER_USER}:${BROKER_PASSWORD}`
const quorumEnv = {
  AMQP_QUEUE_TYPE: 'quorum',
  AMQP_URL: `amqp://${login}@broker-gone:5672,amqp://${login}@broker:5672`,
}

let stack: MailStack

beforeAll(async () => {
  stack = await MailStack.start({ apiEnv: quorumEnv, emailerEnv: quorumEnv, loggerEnv: quorumEnv })
})

afterAll(async () => {
  await stack?.stop()
})

interface ListedQueue {
  name: string
  type: string
  arguments: unknown
}

describe('quorum queues', () => {
  it('declares the shared queues as quorum queues, the consumed ones with a delivery limit', async () => {
    const listed = await execText(stack.container('broker'), [
      'rabbitmqctl',
      '-q',
      'list_queues',
      '--formatter',
      'json',
      'name',
      'type',
      'arguments',
    ])
    const queues = JSON.parse(listed) as ListedQueue[]
    const byName = new Map(queues.map((queue) => [queue.name, queue]))
    for (const name of [QUEUES.emailer, QUEUES.logger, QUEUES.deadLetter]) {
      expect(byName.get(name)?.type, name).toBe('quorum')
    }
    for (const name of [QUEUES.emailer, QUEUES.logger]) {
      expect(JSON.stringify(byName.get(name)?.arguments)).toMatch(
        new RegExp(`"x-delivery-limit"\\D+${QUORUM_DELIVERY_LIMIT}\\b`),
      )
    }
    const retries = queues.filter((queue) => queue.name.startsWith('maildock.emailer.retry.'))
    expect(retries.length).toBeGreaterThan(0)
    for (const queue of retries) expect(queue.type, queue.name).toBe('quorum')
  })

  it('each service skipped the missing node and connected to the next one', async () => {
    for (const role of ['api', 'emailer', 'logger'] as const) {
      const logs = await stack.logsOf(role, 500)
      expect(logs, role).toMatch(/broker-gone/)
      expect(logs, role).toContain('amqp://maildock@broker:5672')
    }
  })

  it('delivers N posted emails once each over quorum queues', async () => {
    const count = 60
    const ids = Array.from({ length: count }, (_, index) => `quorum-${index}`)
    await postMany(stack.apiUrl, count, (index) => ({
      key: ids[index] ?? '',
      body: { to: `q${index}@example.com`, subject: `Quorum ${index}`, text: 'hi' },
    }))
    const delivered = await waitForDelivery(() => stack.catcher, ids, 90_000)
    console.log(
      `quorum queues: ${count} posted, ${delivered.messages.length} delivered, ${delivered.missing.length} missing, ${delivered.duplicated.length} duplicated`,
    )
    expect(delivered.missing).toEqual([])
    expect(delivered.duplicated).toEqual([])
  })
})
