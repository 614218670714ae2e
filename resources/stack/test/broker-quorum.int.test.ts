// A replicated broker: three RabbitMQ nodes in one cluster, every service declaring quorum queues
// (the consumed ones with a delivery limit) and given the list of nodes in AMQP_URL. Stopping the
// node the services connected to first, in the middle of a burst, loses and duplicates no
// accepted email; the services move to another node and the API keeps accepting.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QUEUES, QUORUM_DELIVERY_LIMIT } from '../../../shared/messages'
import { postMany } from './api-client'
import { execText } from './docker-helpers'
import { explained, waitForDelivery } from './expectations'
import { MailStack } from './mail-stack'

const NODES = 3
let stack: MailStack

beforeAll(async () => {
  stack = await MailStack.start({ brokerNodes: NODES, queueType: 'quorum' })
})

afterAll(async () => {
  await stack?.stop()
})

interface QueueInfo {
  name: string
  type: string
  members?: string[]
  arguments?: unknown
}

async function queues(fromNode: number): Promise<Map<string, QueueInfo>> {
  const listed = await execText(stack.brokerNode(fromNode), [
    'rabbitmqctl',
    'list_queues',
    'name',
    'type',
    'members',
    'arguments',
    '--formatter',
    'json',
  ])
  return new Map((JSON.parse(listed) as QueueInfo[]).map((queue) => [queue.name, queue]))
}

const email = (prefix: string) => (index: number) => ({
  key: `${prefix}-${index}`,
  body: { to: `${prefix}${index}@example.com`, subject: `${prefix} ${index}`, text: 'quorum' },
})

const idsFor = (prefix: string, count: number): string[] =>
  Array.from({ length: count }, (_, index) => `${prefix}-${index}`)

describe('a three-node broker with quorum queues', () => {
  it('declares the mail queues as quorum queues replicated on every node', async () => {
    expect(await stack.runningBrokerNodes()).toHaveLength(NODES)
    const declared = await queues(1)
    for (const name of [QUEUES.emailer, QUEUES.logger, QUEUES.deadLetter]) {
      expect({ name, type: declared.get(name)?.type }).toEqual({ name, type: 'quorum' })
      expect(declared.get(name)?.members).toHaveLength(NODES)
    }
    for (const name of [QUEUES.emailer, QUEUES.logger]) {
      expect(JSON.stringify(declared.get(name)?.arguments)).toMatch(
        new RegExp(`"x-delivery-limit"\\D+${QUORUM_DELIVERY_LIMIT}\\b`),
      )
    }
    const retries = [...declared.values()].filter((queue) =>
      queue.name.startsWith('maildock.emailer.retry.'),
    )
    expect(retries.length).toBeGreaterThan(0)
    for (const queue of retries) expect(queue.type, queue.name).toBe('quorum')
  })

  it('loses and duplicates nothing when a node stops mid-burst, and keeps accepting', async () => {
    const during = 300
    const after = 200
    let stopping: Promise<void> | undefined
    const burst = await postMany(stack.apiUrl, during, email('quorum-during'), {
      onAccepted: (accepted) => {
        if (accepted === 100) stopping = stack.brokerNode(1).stop({ t: 10 })
      },
    })
    await stopping
    expect(await stack.runningBrokerNodes(2)).toHaveLength(NODES - 1)
    // With node 1 gone the API still answers, through the nodes left.
    const afterStop = await postMany(stack.apiUrl, after, email('quorum-after'))

    const ids = [...idsFor('quorum-during', during), ...idsFor('quorum-after', after)]
    const delivered = await explained(
      stack,
      waitForDelivery(() => stack.catcher, ids, 120_000),
    )
    console.log(
      `quorum broker, node 1 of ${NODES} stopped after 100 accepted: ` +
        `${burst.length + afterStop.length} accepted (${burst.filter((r) => r.attempts > 1).length} ` +
        `after a retry), ${delivered.counts.size} delivered, ${delivered.missing.length} lost, ` +
        `${delivered.duplicated.length} duplicated`,
    )
    expect({ missing: delivered.missing, duplicated: delivered.duplicated }).toEqual({
      missing: [],
      duplicated: [],
    })
    expect((await queues(2)).get(QUEUES.emailer)?.type).toBe('quorum')
    for (const role of ['api', 'emailer', 'logger'] as const) {
      expect(await stack.logsOf(role, 100_000), role).toMatch(/amqp:\/\/maildock@broker-[23]:5672/)
    }
  })
})
