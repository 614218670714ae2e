import type {
  StackInstance,
  StackOperation,
  StackResult,
  StackServiceName,
  StackServiceStatus,
  StackSettingsView,
  StackStatus,
  StackStep,
} from '../../../../shared/contract'

export const NOW = Date.now()

export function instance(
  service: StackServiceName,
  overrides: Partial<StackInstance> = {},
): StackInstance {
  const replica = overrides.replica ?? 1
  return {
    name: `maildock-${service}-${replica}`,
    id: `${service}${replica}`.padEnd(64, '0'),
    replica,
    state: 'running',
    health: 'healthy',
    healthOutput: null,
    ports: [],
    startedAt: NOW - 5 * 60_000,
    uptimeMs: 5 * 60_000,
    restarts: 0,
    exitCode: null,
    image: `maildock/${service}:abc`,
    upToDate: true,
    ...overrides,
  }
}

const port = (containerPort: number, hostPort: number) => ({
  containerPort,
  protocol: 'tcp',
  hostIp: '127.0.0.1',
  hostPort,
})

export function service(
  name: StackServiceName,
  overrides: Partial<StackServiceStatus> = {},
): StackServiceStatus {
  const instances = overrides.instances ?? [instance(name)]
  return {
    service: name,
    enabled: true,
    desiredReplicas: instances.length,
    state: 'running',
    health: 'healthy',
    instances,
    links: [],
    ...overrides,
  }
}

export const upServices = (): StackServiceStatus[] => [
  service('broker', {
    instances: [instance('broker', { ports: [port(5672, 5672), port(15672, 15672)] })],
    links: [{ label: 'RabbitMQ management', url: 'http://127.0.0.1:15672' }],
  }),
  service('api', {
    instances: [instance('api', { ports: [port(3000, 5001)], restarts: 2 })],
    links: [{ label: 'API', url: 'http://127.0.0.1:5001' }],
  }),
  service('emailer', {
    instances: [instance('emailer'), instance('emailer', { replica: 2 })],
  }),
  service('logger'),
  service('catcher', {
    instances: [instance('catcher', { ports: [port(8025, 8025)], health: 'none' })],
    health: 'none',
    links: [{ label: 'Mail catcher', url: 'http://127.0.0.1:8025' }],
  }),
]

export function stackStatus(overrides: Partial<StackStatus> = {}): StackStatus {
  return {
    name: 'maildock',
    engine: { state: 'connected', error: null },
    state: 'up',
    busy: null,
    services: upServices(),
    network: { name: 'maildock-net', exists: true },
    volumes: [
      { name: 'maildock-logger-data', exists: true },
      { name: 'maildock-emailer-ledger', exists: true },
    ],
    problems: [],
    checkedAt: NOW,
    ...overrides,
  }
}

/** Every service missing: nothing of the stack exists. */
export const absentStatus = (): StackStatus =>
  stackStatus({
    state: 'absent',
    network: { name: 'maildock-net', exists: false },
    services: upServices().map((s) => ({
      ...s,
      state: 'missing',
      health: 'none',
      links: [],
      instances: s.instances.map((i) => ({
        ...i,
        id: '',
        state: 'missing' as const,
        health: 'none' as const,
        ports: [],
        startedAt: null,
        uptimeMs: null,
      })),
    })),
  })

export function step(overrides: Partial<StackStep> & { id: string; title: string }): StackStep {
  return {
    kind: 'create',
    service: null,
    state: 'pending',
    startedAt: null,
    endedAt: null,
    detail: null,
    progress: null,
    logs: [],
    ...overrides,
  }
}

export function operation(overrides: Partial<StackOperation> = {}): StackOperation {
  return {
    id: 'op-1',
    kind: 'up',
    stack: 'maildock',
    state: 'running',
    startedAt: NOW - 12_000,
    endedAt: null,
    elapsedMs: 12_000,
    steps: [],
    error: null,
    summary: null,
    ...overrides,
  }
}

export function result(op: StackOperation, status: StackStatus = stackStatus()): StackResult {
  return {
    operation: op,
    changes: {
      created: [],
      recreated: [],
      started: [],
      stopped: [],
      removed: [],
      builtImages: [],
      pulledImages: [],
    },
    unchanged: false,
    warnings: [],
    status,
  }
}

export function settingsView(overrides: Partial<StackSettingsView> = {}): StackSettingsView {
  return {
    settings: {
      stackName: 'maildock',
      images: {
        broker: 'rabbitmq:3-management',
        node: 'node:20-bookworm-slim',
        catcher: 'axllent/mailpit',
      },
      ports: { api: 5001, broker: 5672, brokerUi: 15672, catcherUi: 8025 },
      smtp: { host: '', port: null, user: '', tls: 'auto' },
      emailerReplicas: 1,
      queueType: 'classic',
      healthTimeoutSeconds: 120,
    },
    fields: [
      { path: 'images.broker', source: 'default', env: 'MAILDOCK_BROKER_IMAGE' },
      { path: 'images.node', source: 'env', env: 'MAILDOCK_NODE_IMAGE' },
      { path: 'ports.api', source: 'file', env: 'MAILDOCK_API_PORT' },
    ],
    smtpPasswordSet: false,
    files: { settings: '/home/ann/.config/maildock/stack.json', config: null },
    secrets: {
      kind: 'os-encryption',
      location: 'the OS keychain',
      encrypted: true,
      note: 'encrypted by the OS',
    },
    problems: [],
    ...overrides,
  }
}
