import { describe, expect, it } from 'vitest'
import { reportChecks } from './health'
import { Operation } from './operation'

describe('health step while a service starts', () => {
  it('says which check it waits for and keeps the raw output in the step logs', () => {
    const operation = new Operation('up', 'mdt', () => undefined)
    const step = operation.step('health', 'Wait until broker is healthy', 'broker')
    const report = reportChecks(step, 'broker')
    report({ attempt: 1, output: 'exit 1: bash: connect: Connection refused' })
    report({ attempt: 2, output: 'exit 1: bash: connect: Connection refused' })
    expect(step.data.detail).toBe('waiting for the broker (attempt 2)')
    expect(step.data.logs).toEqual([
      'broker check 1: exit 1: bash: connect: Connection refused',
      'broker check 2: exit 1: bash: connect: Connection refused',
    ])
  })
})
