import { EventEmitter } from 'node:events'
import type { ConfirmChannel } from 'amqplib'
import { describe, expect, it } from 'vitest'
import { ConfirmPublisher } from './amqp-publisher'

type Confirm = (error: unknown) => void

/** Plays RabbitMQ's part: a return (for unroutable) always comes before the confirm. */
class FakeChannel extends EventEmitter {
  outcome: 'ack' | 'nack' | 'return' | 'silent' = 'ack'
  lastOptions: Record<string, unknown> = {}

  publish(
    _exchange: string,
    _key: string,
    content: Buffer,
    options: Record<string, unknown>,
    confirm: Confirm,
  ) {
    this.lastOptions = options
    setImmediate(() => {
      if (this.outcome === 'return') {
        this.emit('return', { content, fields: {}, properties: options })
      }
      if (this.outcome === 'nack') confirm(new Error('message nacked'))
      else if (this.outcome !== 'silent') confirm(null)
    })
    return true
  }
}

function publisherWith(outcome: FakeChannel['outcome'], timeoutMs = 1000) {
  const channel = new FakeChannel()
  channel.outcome = outcome
  return {
    channel,
    publisher: new ConfirmPublisher(channel as unknown as ConfirmChannel, timeoutMs),
  }
}

describe('ConfirmPublisher', () => {
  it('publishes persistent, mandatory JSON and resolves on the confirm', async () => {
    const { channel, publisher } = publisherWith('ack')
    await publisher.publish('x', 'k', Buffer.from('{}'), { messageId: 'm1' })
    expect(channel.lastOptions).toMatchObject({
      persistent: true,
      mandatory: true,
      messageId: 'm1',
      contentType: 'application/json',
    })
  })

  it('rejects a returned (unroutable) message even though the broker acks it', async () => {
    const { publisher } = publisherWith('return')
    await expect(
      publisher.publish('maildock.requests', '', Buffer.from('{}')),
    ).rejects.toMatchObject({
      reason: 'unroutable',
    })
  })

  it('rejects a nack, a missing confirm and a closed channel', async () => {
    await expect(
      publisherWith('nack').publisher.publish('x', 'k', Buffer.from('')),
    ).rejects.toMatchObject({
      reason: 'nacked',
    })
    await expect(
      publisherWith('silent', 20).publisher.publish('x', 'k', Buffer.from('')),
    ).rejects.toMatchObject({ reason: 'timeout' })
    const { channel, publisher } = publisherWith('ack')
    channel.emit('close')
    await expect(publisher.publish('x', 'k', Buffer.from(''))).rejects.toMatchObject({
      reason: 'channel-closed',
    })
  })
})
