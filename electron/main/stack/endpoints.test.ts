import { describe, expect, it } from 'vitest'
import { stackEndpointsSource } from './endpoints'
import type { StackManager } from './manager'

const manager = (queueType: 'classic' | 'quorum') =>
  ({
    settings: { load: () => Promise.resolve({ settings: { queueType } }) },
    endpoints: () =>
      Promise.resolve({
        apiUrl: 'http://127.0.0.1:5001',
        amqpUrl: 'amqp://own',
        managementUrl: 'http://own',
        queueType,
      }),
  }) as unknown as StackManager

describe('stackEndpointsSource', () => {
  it('takes a stack run elsewhere from the environment, with the queue type of the settings', async () => {
    const env = {
      MAILDOCK_API_URL: 'http://10.0.0.5:5001',
      MAILDOCK_AMQP_URL: 'amqp://u:p@10.0.0.5:5672',
    }
    const endpoints = await stackEndpointsSource(env, manager('quorum'))()
    expect(endpoints).toMatchObject({ amqpUrl: 'amqp://u:p@10.0.0.5:5672', queueType: 'quorum' })
    expect(await stackEndpointsSource({}, manager('classic'))()).toMatchObject({
      amqpUrl: 'amqp://own',
      queueType: 'classic',
    })
  })
})
