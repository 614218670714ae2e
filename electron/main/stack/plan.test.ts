import { describe, expect, it } from 'vitest'
import { configHash } from './container-spec'
import type { StackDefinition } from './definition'
import type { ObservedStack } from './observe'
import { computePlan, isNoop, type StackPlan } from './plan'
import { container, definitionWith, image } from '../../../test/support/stack-fixtures'

function hashesOf(definition: StackDefinition): Map<string, string> {
  return new Map(
    definition.services.map((s) => [s.service, configHash(definition, s, image(s.service))]),
  )
}

/** Everything the definition asks for, running with the right configuration. */
function upToDate(definition: StackDefinition): ObservedStack {
  const hashes = hashesOf(definition)
  return {
    containers: definition.services.flatMap((spec) =>
      Array.from({ length: spec.replicas }, (_, i) =>
        container(spec.service, i + 1, hashes.get(spec.service)!),
      ),
    ),
    networks: [{ id: 'n1', name: definition.network, created: '2026-01-01' }],
    volumes: definition.volumes.map((v) => v.name),
  }
}

const actions = (plan: StackPlan): Record<string, string[]> =>
  Object.fromEntries(plan.services.map((s) => [s.spec.service, s.replicas.map((r) => r.kind)]))

describe('computePlan', () => {
  it('creates everything from nothing, broker first', () => {
    const definition = definitionWith()
    const plan = computePlan(definition, hashesOf(definition), {
      containers: [],
      networks: [],
      volumes: [],
    })
    expect(plan.network.action).toBe('create')
    expect(plan.volumes.map((v) => v.action)).toEqual(['create', 'create', 'create'])
    expect(actions(plan)).toEqual({
      broker: ['create'],
      catcher: ['create'],
      api: ['create'],
      emailer: ['create'],
      logger: ['create'],
    })
    expect(plan.services[0]?.spec.service).toBe('broker')
    expect(isNoop(plan)).toBe(false)
  })

  it('changes nothing when everything is up to date', () => {
    const definition = definitionWith()
    const plan = computePlan(definition, hashesOf(definition), upToDate(definition))
    expect(isNoop(plan)).toBe(true)
    expect(plan.removals).toEqual([])
  })

  it('re-creates only the service whose setting changed', () => {
    const before = definitionWith()
    const after = definitionWith((s) => (s.ports.api = 5002))
    const plan = computePlan(after, hashesOf(after), upToDate(before))
    expect(actions(plan)).toEqual({
      broker: ['keep'],
      catcher: ['keep'],
      api: ['recreate'],
      emailer: ['keep'],
      logger: ['keep'],
    })
  })

  it('starts a stopped container and re-creates one removed by hand', () => {
    const definition = definitionWith()
    const observed = upToDate(definition)
    observed.containers = observed.containers
      .filter((c) => c.service !== 'api')
      .map((c) => (c.service === 'logger' ? { ...c, state: 'exited' as const } : c))
    const plan = computePlan(definition, hashesOf(definition), observed)
    expect(actions(plan).api).toEqual(['create'])
    expect(actions(plan).logger).toEqual(['start'])
    expect(plan.network.action).toBe('keep')
  })

  it('re-creates a container created but never started: its files may never have been put', () => {
    const definition = definitionWith()
    const observed = upToDate(definition)
    observed.containers = observed.containers.map((c) =>
      c.service === 'api' ? { ...c, state: 'created' as const } : c,
    )
    const plan = computePlan(definition, hashesOf(definition), observed)
    expect(actions(plan).api).toEqual(['recreate'])
    const api = plan.services.find((s) => s.spec.service === 'api')?.replicas[0]
    expect(api?.kind === 'recreate' && api.reason).toBe('it was created but never started')
  })

  it('scales the emailer up and down', () => {
    const one = definitionWith()
    const three = definitionWith((s) => (s.emailerReplicas = 3))
    const up = computePlan(three, hashesOf(three), upToDate(one))
    expect(actions(up).emailer).toEqual(['keep', 'create', 'create'])
    const down = computePlan(one, hashesOf(one), upToDate(three))
    expect(actions(down).emailer).toEqual(['keep'])
    expect(down.removals.map((r) => r.container.replica).sort()).toEqual([2, 3])
    expect(down.removals[0]?.reason).toContain('scaled to 1')
  })

  it('removes duplicates, keeping the up-to-date running one', () => {
    const definition = definitionWith()
    const observed = upToDate(definition)
    const hash = hashesOf(definition).get('api')!
    observed.containers.push(container('api', 1, 'stale', { id: 'old-api', created: 5_000 }))
    observed.containers.push(
      container('api', 1, hash, { id: 'dup-api', state: 'exited', created: 9_000 }),
    )
    const plan = computePlan(definition, hashesOf(definition), observed)
    expect(actions(plan).api).toEqual(['keep'])
    expect(plan.removals.map((r) => r.container.id).sort()).toEqual(['dup-api', 'old-api'])
  })

  it('removes the catcher when a relay replaces it, and services it does not know', () => {
    const withCatcher = definitionWith()
    const relay = definitionWith((s) => (s.smtp.host = 'smtp.example.com'))
    const observed = upToDate(withCatcher)
    observed.containers.push(container('ghost', 1, 'x'))
    const plan = computePlan(relay, hashesOf(relay), observed)
    expect(plan.removals.map((r) => r.container.service).sort()).toEqual(['catcher', 'ghost'])
    expect(actions(plan).emailer).toEqual(['recreate'])
  })

  it('keeps one network of the name and removes the rest', () => {
    const definition = definitionWith()
    const observed = upToDate(definition)
    observed.networks.push({ id: 'n0', name: definition.network, created: '2025-01-01' })
    observed.networks.push({ id: 'n9', name: 'maildock-old', created: '2027-01-01' })
    const plan = computePlan(definition, hashesOf(definition), observed)
    expect(plan.network.action).toBe('keep')
    expect(plan.network.remove.map((n) => n.id).sort()).toEqual(['n1', 'n9'])
  })
})
