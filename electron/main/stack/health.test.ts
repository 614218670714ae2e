import type Docker from 'dockerode'
import { describe, expect, it, vi } from 'vitest'
import { reportChecks, waitUntilReady } from './health'
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

describe('waitUntilReady', () => {
  it('is cancelled at once, asking the engine nothing, when its run has already failed', async () => {
    const getEvents = vi.fn()
    const docker = { getEvents } as unknown as Docker
    const wait = waitUntilReady(docker, 'c1', {
      label: 'api',
      timeoutMs: 120_000,
      signal: AbortSignal.abort(),
    })
    await expect(wait).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(getEvents).not.toHaveBeenCalled()
  })
})
