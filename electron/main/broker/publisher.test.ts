import { describe, expect, it } from 'vitest'
import { PublishError } from '../../../shared/amqp-publisher'
import { asMaildockError } from './publisher'

describe('publish failures as contract errors', () => {
  it('names the reason and what was returned', () => {
    const timeout = asMaildockError(
      new PublishError(
        'no broker confirm within 10000 ms (the broker blocks publishing: low on memory)',
        'timeout',
      ),
      'maildock.requests',
      '',
    )
    expect(timeout).toMatchObject({
      code: 'TIMEOUT',
      message:
        'The broker did not confirm the message within 10000 ms (the broker blocks publishing: low on memory)',
    })
    expect(
      asMaildockError(new PublishError('x', 'unroutable'), '', 'maildock.emailer'),
    ).toMatchObject({
      code: 'CONFLICT',
      message: 'No queue is bound to queue "maildock.emailer": the message was returned',
    })
    expect(asMaildockError(new PublishError('x', 'nacked'), 'e', 'k').code).toBe('UNAVAILABLE')
    expect(
      asMaildockError(new PublishError('broker channel is closed', 'channel-closed'), 'e', 'k')
        .message,
    ).toBe('the broker channel is closed')
  })
})
