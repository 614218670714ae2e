import { describe, expect, it } from 'vitest'
import type { StackOperation, StackStatus, StackStep } from '../../../shared/contract'
import { formatStatus, humanDuration, ProgressPrinter } from './stack-command'

const step = (change: Partial<StackStep>): StackStep => ({
  id: '1',
  kind: 'build',
  service: 'api',
  title: 'Build maildock/api:abc',
  state: 'pending',
  startedAt: null,
  endedAt: null,
  detail: null,
  progress: null,
  logs: [],
  ...change,
})

const operation = (steps: StackStep[]): StackOperation => ({
  id: 'op',
  kind: 'up',
  stack: 'maildock',
  state: 'running',
  startedAt: 0,
  endedAt: null,
  elapsedMs: 0,
  steps,
  error: null,
  summary: null,
})

describe('ProgressPrinter', () => {
  it('prints each change of a step once, with build output and a failing step logs', () => {
    const lines: string[] = []
    const printer = new ProgressPrinter((line) => lines.push(line))
    printer.update(operation([step({})]))
    printer.update(
      operation([step({ state: 'running', startedAt: 0, detail: 'Step 1/4 : FROM x' })]),
    )
    printer.update(
      operation([step({ state: 'running', startedAt: 0, detail: 'Step 1/4 : FROM x' })]),
    )
    printer.update(operation([step({ state: 'running', startedAt: 0, detail: 'Step 2/4 : COPY' })]))
    printer.update(
      operation([
        step({
          state: 'failed',
          startedAt: 0,
          endedAt: 2_500,
          detail: 'no /bin/sh',
          logs: ['a', 'b'],
        }),
      ]),
    )
    expect(lines).toEqual([
      '  … Build maildock/api:abc',
      '    Step 2/4 : COPY',
      '  ✗ Build maildock/api:abc  (2.5 s): no /bin/sh',
      '      | a',
      '      | b',
    ])
  })
})

describe('formatStatus', () => {
  it('prints one row per service with replicas, ports, uptime and restarts, then the links', () => {
    const status = {
      name: 'maildock',
      engine: { state: 'connected', error: null },
      state: 'up',
      busy: null,
      problems: [],
      checkedAt: 0,
      network: { name: 'maildock-net', exists: true },
      volumes: [{ name: 'maildock-logger-data', exists: true }],
      services: [
        {
          service: 'api',
          enabled: true,
          desiredReplicas: 1,
          state: 'running',
          health: 'healthy',
          links: [{ label: 'API', url: 'http://127.0.0.1:5001' }],
          instances: [
            {
              name: 'maildock-api-1',
              id: 'x',
              replica: 1,
              state: 'running',
              health: 'healthy',
              healthOutput: null,
              ports: [
                { containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5001 },
              ],
              startedAt: 0,
              uptimeMs: 125_000,
              restarts: 2,
              exitCode: null,
              image: 'maildock/api:abc',
              upToDate: true,
            },
          ],
        },
      ],
    } satisfies StackStatus
    const lines = formatStatus(status)
    expect(lines[0]).toBe('Stack maildock: up')
    expect(lines[2]).toMatch(
      /^api\s+running\s+healthy\s+1\/1\s+127\.0\.0\.1:5001->3000\s+2m5s\s+2$/,
    )
    expect(lines).toContain('API: http://127.0.0.1:5001')
    expect(humanDuration(90_061_000)).toBe('1d1h')
  })
})
