import type Docker from 'dockerode'
import { describe, expect, it, vi } from 'vitest'
import type { RawEngineEvent } from '../docker'
import { sinceOf, StackLogCollector } from './collector'
import { markShown, nothingShown } from './live-lines'
import type { LogStore } from './store'

/** A docker client whose containers never answer logs (the follow attempt just fails). */
function fakeDocker() {
  const listContainers = vi.fn(() => Promise.resolve([]))
  const inspect = vi.fn(() => new Promise(() => undefined))
  return {
    docker: { listContainers, getContainer: () => ({ inspect }) } as unknown as Docker,
    listContainers,
    inspect,
  }
}

function collectorFor(stackName?: string) {
  const fake = fakeDocker()
  let onEvent: (event: RawEngineEvent) => void = () => undefined
  const store = { lastLineTs: () => null, collectorStatus: () => undefined } as unknown as LogStore
  const collector = new StackLogCollector({
    docker: () => fake.docker,
    onEngineEvent: (listener) => {
      onEvent = listener
      return () => undefined
    },
    onEngineConnected: () => () => undefined,
    store,
    ...(stackName === undefined ? {} : { stackName: () => Promise.resolve(stackName) }),
  })
  collector.start()
  const start = (id: string, stack: string, service: string) =>
    onEvent({
      Type: 'container',
      Action: 'start',
      Actor: {
        ID: id,
        Attributes: {
          name: `${stack}-${service}-1`,
          'maildock.stack': stack,
          'maildock.service': service,
        },
      },
    })
  return { collector, fake, start }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 10))

describe('StackLogCollector', () => {
  it("follows only the app's own stack when it knows its name", async () => {
    const { collector, fake, start } = collectorFor('mine')
    await tick()
    expect(fake.listContainers).toHaveBeenCalledWith({
      filters: { label: ['maildock.stack=mine'], status: ['running'] },
    })
    start('a1', 'other', 'api')
    start('b2', 'mine', 'logger')
    await tick()
    expect(collector.containers()).toEqual([{ id: 'b2', name: 'mine-logger-1', service: 'logger' }])
    collector.stop()
    expect(collector.containers()).toEqual([])
  })

  it('follows every MailDock stack without a name, once per container', async () => {
    const { collector, fake, start } = collectorFor()
    await tick()
    expect(fake.listContainers).toHaveBeenCalledWith({
      filters: { label: ['maildock.stack'], status: ['running'] },
    })
    start('a1', 'other', 'api')
    start('a1', 'other', 'api')
    await tick()
    expect(collector.containers()).toHaveLength(1)
    expect(fake.inspect).toHaveBeenCalledTimes(1)
    collector.stop()
  })
})

describe('markShown', () => {
  it('shows each line once across a catch-up, also a stderr line older than the stdout before it', () => {
    const mark = nothingShown()
    const show = (ts: number, key: bigint): boolean => markShown(mark, ts, key)
    // The engine's order: a stdout line, then a stderr line stamped a microsecond earlier.
    expect([show(1000.002, 1n), show(1000.001, 2n), show(1000.003, 3n)]).toEqual([true, true, true])
    // A catch-up reads again from the last line taken: only the line not shown yet passes.
    expect([show(1000.003, 3n), show(1000.004, 4n)]).toEqual([false, true])
    // A stream started over from long before shows nothing old again.
    expect(show(400, 5n)).toBe(false)
    expect(show(2000, 6n)).toBe(true)
    expect(mark.recent.size).toBe(1)
  })
})

describe('sinceOf', () => {
  it('turns an engine time into a since that keeps the microseconds', () => {
    const since = sinceOf('2025-01-01T10:00:00.123456789Z')!
    expect(since).toBeCloseTo(Date.UTC(2025, 0, 1, 10) + 123.455789, 5)
    expect((since / 1000).toFixed(9)).toMatch(/^1735725600\.1234557\d\d$/)
    expect(sinceOf('not a time')).toBeNull()
  })
})
