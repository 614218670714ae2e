import type Docker from 'dockerode'
import { describe, expect, it } from 'vitest'
import { groupContainers, groupOf, toContainerSummary } from './container-views'
import { MASK, maskEnv } from './secrets'
import { toContainerStats } from './stats'

const info = (over: Partial<Docker.ContainerInfo>): Docker.ContainerInfo => ({
  Id: 'a'.repeat(64),
  Names: ['/web'],
  Image: 'maildock/api:local',
  ImageID: 'sha256:1',
  Command: 'node api.js',
  Created: 1_700_000_000,
  Ports: [],
  Labels: {},
  State: 'running',
  Status: 'Up 5 minutes (healthy)',
  HostConfig: { NetworkMode: 'bridge' },
  NetworkSettings: { Networks: {} },
  Mounts: [],
  ...over,
})

describe('container views', () => {
  it('summarises a listed container: name, ms times, health, ports once per mapping, volumes', () => {
    const summary = toContainerSummary(
      info({
        Ports: [
          { IP: '0.0.0.0', PrivatePort: 8080, PublicPort: 18080, Type: 'tcp' },
          { IP: '::', PrivatePort: 8080, PublicPort: 18080, Type: 'tcp' },
          { IP: '', PrivatePort: 25, PublicPort: 0, Type: 'tcp' },
        ],
        Mounts: [
          {
            Name: 'data',
            Type: 'volume',
            Source: '/x',
            Destination: '/data',
            Mode: '',
            RW: true,
            Propagation: '',
          },
          { Type: 'bind', Source: '/h', Destination: '/h', Mode: '', RW: true, Propagation: '' },
        ],
      }),
    )
    expect(summary).toMatchObject({
      name: 'web',
      created: 1_700_000_000_000,
      state: 'running',
      health: 'healthy',
      volumes: ['data'],
      group: null,
      ports: [
        { containerPort: 25, protocol: 'tcp' },
        { containerPort: 8080, protocol: 'tcp', hostIp: '0.0.0.0', hostPort: 18080 },
      ],
    })
  })

  it('groups by MailDock stack first, then compose project', () => {
    expect(
      groupOf({
        'maildock.stack': 'mail',
        'maildock.service': 'api',
        'com.docker.compose.project': 'p',
      }),
    ).toEqual({
      kind: 'stack',
      name: 'mail',
      service: 'api',
    })
    expect(
      groupOf({ 'com.docker.compose.project': 'p', 'com.docker.compose.service': 'db' }),
    ).toEqual({
      kind: 'compose',
      name: 'p',
      service: 'db',
    })
    const list = [
      toContainerSummary(info({ Id: '1', Labels: { 'maildock.stack': 'mail' } })),
      toContainerSummary(info({ Id: '2', Labels: { 'maildock.stack': 'mail' }, State: 'exited' })),
      toContainerSummary(info({ Id: '3', Labels: { 'com.docker.compose.project': 'blog' } })),
      toContainerSummary(info({ Id: '4' })),
    ]
    expect(groupContainers(list)).toEqual([
      { kind: 'compose', name: 'blog', containerIds: ['3'], running: 1 },
      { kind: 'stack', name: 'mail', containerIds: ['1', '2'], running: 1 },
    ])
  })

  it('masks secret-looking env values and URL passwords, and leaves the rest', () => {
    expect(
      maskEnv([
        'RABBITMQ_DEFAULT_PASS=hunter2',
        'SMTP_PASSWORD=x',
        'API_TOKEN=abc',
        'JWT_SECRET=s',
        'AWS_SECRET_ACCESS_KEY=k',
        'AMQP_URL=amqp://mail:s3cret@broker:5672/',
        'NODE_ENV=production',
        'EMPTY_PASSWORD=',
        'PATH=/usr/bin',
      ]),
    ).toEqual([
      { key: 'RABBITMQ_DEFAULT_PASS', value: MASK, masked: true },
      { key: 'SMTP_PASSWORD', value: MASK, masked: true },
      { key: 'API_TOKEN', value: MASK, masked: true },
      { key: 'JWT_SECRET', value: MASK, masked: true },
      { key: 'AWS_SECRET_ACCESS_KEY', value: MASK, masked: true },
      { key: 'AMQP_URL', value: `amqp://mail:${MASK}@broker:5672/`, masked: true },
      { key: 'NODE_ENV', value: 'production', masked: false },
      { key: 'EMPTY_PASSWORD', value: '', masked: false },
      { key: 'PATH', value: '/usr/bin', masked: false },
    ])
  })
})

describe('stats', () => {
  it('computes CPU % like docker stats and memory without the page cache (cgroup v2)', () => {
    const stats = toContainerStats('c1', {
      read: '2026-01-01T00:00:01Z',
      cpu_stats: {
        cpu_usage: { total_usage: 2_000_000 },
        system_cpu_usage: 20_000_000,
        online_cpus: 2,
      },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
      memory_stats: {
        usage: 150 * 2 ** 20,
        limit: 1000 * 2 ** 20,
        stats: { inactive_file: 50 * 2 ** 20 },
      },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { op: 'read', value: 4096 },
          { op: 'write', value: 8192 },
          { op: 'Read', value: 4 },
        ],
      },
      pids_stats: { current: 7 },
    })
    expect(stats).toEqual({
      id: 'c1',
      at: Date.parse('2026-01-01T00:00:01Z'),
      cpuPercent: 20,
      cpus: 2,
      memoryBytes: 100 * 2 ** 20,
      memoryLimitBytes: 1000 * 2 ** 20,
      memoryPercent: 10,
      networkRxBytes: 11,
      networkTxBytes: 22,
      blockReadBytes: 4100,
      blockWriteBytes: 8192,
      pids: 7,
    })
  })

  it('reports 0 % for the first sample (no previous CPU reading) and a stopped container', () => {
    const stats = toContainerStats(
      'c1',
      { read: '0001-01-01T00:00:00Z', cpu_stats: {}, precpu_stats: {} },
      42,
    )
    expect(stats).toMatchObject({
      cpuPercent: 0,
      memoryBytes: 0,
      memoryPercent: 0,
      at: 42,
      cpus: 1,
    })
  })
})
