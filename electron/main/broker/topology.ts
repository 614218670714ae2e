import {
  describeTopology,
  retryQueueName,
  type QueueType,
  type Topology,
  type TopologyChannel,
} from '../../../shared/messages'

/**
 * What the app declares on each (re)connection: the exchanges, the work, logger and dead-letter
 * queues, and its own durable queue with its bindings. Not the emailer's delay queues: their
 * names depend on the emailer's configured delays, and the emailer declares its own.
 */
export function appTopology(queueType: QueueType = 'classic'): Topology {
  const full = describeTopology({ appQueue: true, queueType })
  const isDelayQueue = (name: string) => name.startsWith(retryQueueName(0).replace(/0ms$/, ''))
  return { ...full, queues: full.queues.filter((queue) => !isDelayQueue(queue.name)) }
}

export async function declareAppTopology(
  channel: TopologyChannel,
  queueType?: QueueType,
): Promise<Topology> {
  const topology = appTopology(queueType)
  for (const exchange of topology.exchanges) {
    await channel.assertExchange(exchange.name, exchange.type, { durable: true })
  }
  for (const queue of topology.queues) {
    await channel.assertQueue(queue.name, { durable: true, arguments: queue.arguments })
  }
  for (const binding of topology.bindings) {
    await channel.bindQueue(binding.queue, binding.exchange, binding.pattern)
  }
  return topology
}
