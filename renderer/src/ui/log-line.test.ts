import { describe, expect, it } from 'vitest'
import { readableLine } from './log-line'

describe('readableLine', () => {
  it('puts a pino line’s level and msg first, drops its time, keeps every other key', () => {
    const line = readableLine(
      '{"level":40,"time":1764583200000,"pid":7,"msg":"slow reply","route":{"path":"/emails"}}',
    )
    expect(line).toEqual({
      level: 'warn',
      message: 'slow reply',
      fields: [
        ['pid', '7'],
        ['route', '{"path":"/emails"}'],
      ],
    })
  })

  it('reads `message` and named levels, and keeps a JSON line without a message as keys', () => {
    expect(readableLine('{"severity":"ERROR","message":"down"}')).toEqual({
      level: 'error',
      message: 'down',
      fields: [],
    })
    expect(readableLine('{"a":1,"b":"x"}')).toEqual({
      level: undefined,
      message: '',
      fields: [
        ['a', '1'],
        ['b', 'x'],
      ],
    })
  })

  it('strips RabbitMQ’s timestamp, level and Erlang process from the message', () => {
    expect(
      readableLine(
        '2026-12-01 10:00:00.123456+00:00 [info] <0.123.0> accepting AMQP connection 127.0.0.1:5672',
      ),
    ).toEqual({ level: 'info', message: 'accepting AMQP connection 127.0.0.1:5672', fields: [] })
    expect(readableLine('2026-12-01 10:00:00.1+00:00 [warning] <0.9.0> closed').level).toBe('warn')
  })

  it('strips a bracketed, capital or `level:` prefix and a bare timestamp', () => {
    expect(readableLine('[error] disk full')).toMatchObject({
      level: 'error',
      message: 'disk full',
    })
    expect(readableLine('WARN low memory')).toMatchObject({ level: 'warn', message: 'low memory' })
    expect(readableLine('info: started')).toMatchObject({ level: 'info', message: 'started' })
    expect(readableLine('2026-12-01T10:00:00Z ready')).toEqual({ message: 'ready', fields: [] })
  })

  it('leaves plain text, a sentence that starts with a level word and bad JSON whole', () => {
    for (const text of [
      'hello world',
      'Error connecting to X',
      'Error: EADDRINUSE',
      '{"broken": ',
      '[1,2]',
      '',
    ])
      expect(readableLine(text)).toEqual({ message: text, fields: [] })
  })
})
