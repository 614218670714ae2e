import { describe, expect, it } from 'vitest'
import { Chaos, ChaosError, defaultTriggers, parseTriggerList, parseTriggers } from './chaos'

describe('parseTriggers (PUT /api/v1/chaos body)', () => {
  it('resets omitted stages to their default code with 0% probability, like Mailpit', () => {
    expect(parseTriggers({ Recipient: { ErrorCode: 550, Probability: 100 } })).toEqual({
      Sender: { ErrorCode: 451, Probability: 0 },
      Recipient: { ErrorCode: 550, Probability: 100 },
      Authentication: { ErrorCode: 535, Probability: 0 },
    })
    expect(parseTriggers({})).toEqual(defaultTriggers())
  })

  it('matches field names case-insensitively, as Go does', () => {
    const triggers = parseTriggers({ sender: { errorcode: 421, probability: 5 } })
    expect(triggers.Sender).toEqual({ ErrorCode: 421, Probability: 5 })
  })

  it('uses the default code when ErrorCode is 0 or missing', () => {
    expect(parseTriggers({ Authentication: { Probability: 50 } }).Authentication).toEqual({
      ErrorCode: 535,
      Probability: 50,
    })
  })

  it.each([
    [{ Sender: { ErrorCode: 399, Probability: 1 } }, 'error code must be between 400 and 599'],
    [{ Sender: { ErrorCode: 600, Probability: 1 } }, 'error code must be between 400 and 599'],
    [{ Sender: { ErrorCode: 451, Probability: 101 } }, 'probability must be between 0 and 100'],
    [{ Sender: { ErrorCode: 451, Probability: 1.5 } }, 'Sender.Probability must be an integer'],
    [{ Sender: 'x' }, 'Sender must be an object'],
    [{ Helo: {} }, 'unknown trigger helo'],
    [[], 'body must be a JSON object'],
  ])('rejects %j', (body, message) => {
    expect(() => parseTriggers(body)).toThrow(new ChaosError(message))
  })
})

describe('parseTriggerList (MP_CHAOS_TRIGGERS)', () => {
  it('reads trigger:code:probability items', () => {
    const triggers = parseTriggerList('Sender:421:5, recipient:550:100')
    expect(triggers.Sender).toEqual({ ErrorCode: 421, Probability: 5 })
    expect(triggers.Recipient).toEqual({ ErrorCode: 550, Probability: 100 })
    expect(triggers.Authentication).toEqual({ ErrorCode: 535, Probability: 0 })
  })

  it('rejects unknown stages and bad numbers', () => {
    expect(() => parseTriggerList('Helo:451:5')).toThrow(/unknown chaos trigger/)
    expect(() => parseTriggerList('Sender:abc:5')).toThrow(/must be an integer/)
  })
})

describe('Chaos', () => {
  it('fails a stage when the roll is below its probability', () => {
    const rolls = [0, 29, 30, 99]
    const chaos = new Chaos(parseTriggerList('Recipient:451:30'), () => rolls.shift() ?? 0)
    const results = [1, 2, 3, 4].map(() => chaos.failure('Recipient'))
    expect(results).toEqual([451, 451, undefined, undefined])
  })

  it('never fails at 0% and always fails at 100%', () => {
    const chaos = new Chaos(parseTriggerList('Sender:550:100'))
    for (let i = 0; i < 50; i++) {
      expect(chaos.failure('Sender')).toBe(550)
      expect(chaos.failure('Recipient')).toBeUndefined()
    }
  })

  it('hands out copies, so callers cannot change the live triggers', () => {
    const chaos = new Chaos()
    chaos.get().Sender.Probability = 100
    expect(chaos.failure('Sender')).toBeUndefined()
  })
})
