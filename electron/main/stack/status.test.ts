import { describe, expect, it } from 'vitest'
import type { EngineStatus, StackInstance, StackServiceStatus } from '../../../shared/contract'
import { healthFromStatus } from '../docker'
import { serviceState, stackState } from './status'
import { concernsStack } from './watch'

const instance = (change: Partial<StackInstance>): StackInstance => ({
  name: 'x',
  id: 'id',
  replica: 1,
  state: 'running',
  health: 'healthy',
  healthOutput: null,
  ports: [],
  startedAt: 1,
  uptimeMs: 1,
  restarts: 0,
  exitCode: null,
  image: 'img',
  upToDate: true,
  ...change,
})

const connected = {
  state: 'connected',
  endpoint: { kind: 'socket', address: 'unix:///var/run/docker.sock', source: 'test' },
} as EngineStatus

const service = (
  state: StackServiceStatus['state'],
  instances = [instance({})],
): StackServiceStatus => ({
  service: 'api',
  enabled: state !== 'disabled',
  desiredReplicas: 1,
  state,
  health: 'healthy',
  instances,
  links: [],
})

describe('status', () => {
  it('reads health from the engine status line', () => {
    expect(healthFromStatus('Up 5 seconds (healthy)')).toBe('healthy')
    expect(healthFromStatus('Up 2 seconds (health: starting)')).toBe('starting')
    expect(healthFromStatus('Up 1 minute (unhealthy)')).toBe('unhealthy')
    expect(healthFromStatus('Exited (0) 3 seconds ago')).toBe('none')
  })

  it('sums up a service from its instances', () => {
    expect(serviceState(true, 1, [instance({})])).toBe('running')
    expect(serviceState(true, 2, [instance({}), instance({ health: 'starting' })])).toBe('starting')
    expect(serviceState(true, 2, [instance({}), instance({ state: 'missing' })])).toBe('degraded')
    expect(serviceState(true, 1, [instance({ health: 'unhealthy' })])).toBe('degraded')
    expect(serviceState(true, 1, [instance({ state: 'exited' })])).toBe('stopped')
    expect(serviceState(true, 1, [instance({ state: 'missing' })])).toBe('missing')
    expect(serviceState(false, 0, [])).toBe('disabled')
    expect(serviceState(true, 0, [])).toBe('stopped')
  })

  it('sums up the stack', () => {
    expect(stackState(connected, [service('running')], true)).toBe('up')
    expect(stackState(connected, [service('running'), service('starting')], true)).toBe('starting')
    expect(stackState(connected, [service('running'), service('missing', [])], true)).toBe(
      'partial',
    )
    expect(stackState(connected, [service('stopped', [instance({ state: 'exited' })])], true)).toBe(
      'stopped',
    )
    expect(stackState(connected, [service('missing', [])], false)).toBe('absent')
    expect(stackState({ ...connected, state: 'unreachable' } as EngineStatus, [], true)).toBe(
      'unknown',
    )
  })

  it('refreshes on the stack own container events, not on health-check execs', () => {
    const labels = { 'maildock.stack': 'mine' }
    expect(
      concernsStack({ Type: 'container', Action: 'die', Actor: { Attributes: labels } }, 'mine'),
    ).toBe(true)
    expect(
      concernsStack(
        { Type: 'container', Action: 'health_status: healthy', Actor: { Attributes: labels } },
        'mine',
      ),
    ).toBe(true)
    expect(
      concernsStack(
        { Type: 'container', Action: 'exec_start: node -e', Actor: { Attributes: labels } },
        'mine',
      ),
    ).toBe(false)
    expect(
      concernsStack({ Type: 'container', Action: 'die', Actor: { Attributes: labels } }, 'other'),
    ).toBe(false)
    expect(
      concernsStack(
        { Type: 'network', Action: 'create', Actor: { Attributes: { name: 'mine-net' } } },
        'mine',
      ),
    ).toBe(true)
  })
})
