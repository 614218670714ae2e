import type { ContainerDetail, ContainerList, ContainerSummary } from '../../../../shared/contract'

export function container(
  overrides: Partial<ContainerSummary> & { name: string },
): ContainerSummary {
  return {
    id: `${overrides.name.replace(/\W/g, '')}`.padEnd(64, '0'),
    image: 'maildock/debian-base:local',
    imageId: 'sha256:'.padEnd(71, 'a'),
    command: 'sleep 300',
    created: Date.now() - 60_000,
    state: 'running',
    status: 'Up About a minute',
    health: 'none',
    ports: [],
    labels: {},
    networks: ['bridge'],
    volumes: [],
    group: null,
    ...overrides,
  }
}

export const api = container({
  name: 'mail-api',
  image: 'maildock/api:local',
  health: 'healthy',
  status: 'Up 3 minutes (healthy)',
  ports: [{ containerPort: 3000, protocol: 'tcp', hostIp: '127.0.0.1', hostPort: 5001 }],
  labels: { 'maildock.stack': 'mail', 'maildock.service': 'api' },
  group: { kind: 'stack', name: 'mail', service: 'api' },
})
export const broker = container({
  name: 'mail-broker',
  image: 'maildock/rabbitmq:local',
  labels: { 'maildock.stack': 'mail' },
  group: { kind: 'stack', name: 'mail' },
})
export const web = container({
  name: 'shop-web',
  image: 'nginx:1.27',
  labels: { 'com.docker.compose.project': 'shop' },
  group: { kind: 'compose', name: 'shop', service: 'web' },
})
export const oldJob = container({
  name: 'old-job',
  image: 'busybox:latest',
  state: 'exited',
  status: 'Exited (0) 2 hours ago',
})

export function listOf(containers: ContainerSummary[]): ContainerList {
  return { containers, groups: [] }
}

export function detailOf(summary: ContainerSummary): ContainerDetail {
  return {
    id: summary.id,
    name: summary.name,
    image: summary.image,
    imageId: summary.imageId,
    created: summary.created,
    state: summary.state,
    startedAt: summary.created,
    finishedAt: null,
    exitCode: 0,
    error: '',
    restartCount: 0,
    restartPolicy: 'unless-stopped',
    health: {
      status: 'healthy',
      failingStreak: 0,
      log: [
        {
          start: '2026-01-01T10:00:00Z',
          end: '2026-01-01T10:00:01Z',
          exitCode: 0,
          output: 'GET /health 200',
        },
      ],
    },
    command: ['node', 'server.js'],
    entrypoint: [],
    workingDir: '/app',
    user: 'node',
    tty: false,
    env: [
      { key: 'SMTP_PASSWORD', value: '********', masked: true },
      { key: 'NODE_ENV', value: 'production', masked: false },
    ],
    mounts: [
      {
        type: 'volume',
        name: 'mail-data',
        source: '/var/lib/docker/volumes/mail-data/_data',
        destination: '/data',
        readOnly: false,
      },
    ],
    ports: summary.ports,
    networks: [
      {
        name: 'mail-net',
        networkId: 'n1',
        ipAddress: '172.30.0.5',
        gateway: '172.30.0.1',
        macAddress: '02:42:ac:1e:00:05',
        aliases: ['api'],
      },
    ],
    labels: summary.labels,
    group: summary.group,
  }
}
