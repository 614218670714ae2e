import type { ChannelModel } from 'amqplib'

/**
 * The broker's own rate on this machine: persistent 200-byte messages published with confirms
 * to a durable queue, `window` unconfirmed at most, consumed with acks on a second connection.
 */
export async function rawAmqpRate(
  connect: () => Promise<ChannelModel>,
  count: number,
  window: number,
) {
  const publisherConnection = await connect()
  const consumerConnection = await connect()
  const queue = `maildock.bench.raw.${process.pid}`
  const publisher = await publisherConnection.createConfirmChannel()
  await publisher.assertQueue(queue, { durable: true })
  await publisher.purgeQueue(queue)
  const consumer = await consumerConnection.createChannel()
  await consumer.prefetch(100)
  const body = Buffer.from(
    JSON.stringify({ to: ['x@example.com'], subject: 's', text: 'x'.repeat(200) }),
  )

  let consumed = 0
  const allConsumed = new Promise<number>((resolve) => {
    void consumer.consume(queue, (message) => {
      if (message === null) return
      consumer.ack(message)
      consumed += 1
      if (consumed === count) resolve(performance.now())
    })
  })
  const started = performance.now()
  let inFlight = 0
  let published = 0
  await new Promise<void>((resolve, reject) => {
    const pump = () => {
      while (inFlight < window && published < count) {
        inFlight += 1
        published += 1
        publisher.publish('', queue, body, { persistent: true, mandatory: true }, (error) => {
          if (error !== null && error !== undefined) return reject(new Error('nacked'))
          inFlight -= 1
          if (published === count && inFlight === 0) resolve()
          else pump()
        })
      }
    }
    pump()
  })
  const confirmedAt = performance.now()
  const consumedAt = await allConsumed
  await publisher.deleteQueue(queue)
  await publisherConnection.close()
  await consumerConnection.close()
  return {
    publishPerSecond: count / ((confirmedAt - started) / 1000),
    endToEndPerSecond: count / ((consumedAt - started) / 1000),
  }
}
