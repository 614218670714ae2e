import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { Command } from 'commander'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Core } from '../core'
import { type StackLogCollector, logsHandlers, LogStore } from '../logs'
import { fixtureMessages, toMail } from '../../../test/support/log-fixtures'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { createRouter } from '../router'
import { parseSince, registerLogsCommand } from './logs-command'
import { CLI_SENDER } from './run'

let dir: string
let store: LogStore
let core: Core

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-cli-logs-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  await Promise.all(
    [0, 1, 9].flatMap((i) => fixtureMessages(i)).map((m) => store.ingestMail(toMail(m))),
  )
  const api = logsHandlers({
    store,
    collector: {} as StackLogCollector,
    docker: () => ({}) as Docker,
  })
  const router = createRouter({
    channels: api.channels as unknown as ChannelHandlers,
    events: api.events as unknown as EventHandlers,
    isTrustedSender: (sender) => sender.url === CLI_SENDER.url,
  })
  const catchUpLogs = () =>
    Promise.resolve({ current: true, storedUpTo: null, app: null, caughtUp: null, problems: [] })
  core = { router, logs: store, catchUpLogs } as unknown as Core
})

afterEach(async () => {
  vi.restoreAllMocks()
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

async function run(...args: string[]): Promise<{ out: string[]; err: string[] }> {
  const out: string[] = []
  const err: string[] = []
  vi.spyOn(console, 'log').mockImplementation((line: string) => out.push(line))
  vi.spyOn(console, 'error').mockImplementation((line: string) => err.push(line))
  const program = new Command('maildock').exitOverride()
  registerLogsCommand(program, () => core)
  await program.parseAsync(['node', 'maildock', 'logs', ...args])
  vi.restoreAllMocks()
  return { out, err }
}

describe('maildock logs', () => {
  it('prints matches oldest first, one line each', async () => {
    const { out } = await run('--grep', 'mailbox', '--since', '100000d')
    expect(out).toHaveLength(1)
    expect(out[0]).toMatch(
      /^2025-01-01T00:00:05\.093Z emailer {2}ERROR \[email-9 failed\] email\.failed/,
    )
    const all = await run('--service', 'api', '--since', '100000d')
    expect(all.out.map((line) => line.slice(0, 24))).toEqual(
      [...all.out.map((line) => line.slice(0, 24))].sort(),
    )
    expect(all.out).toHaveLength(6)
  })

  it('prints JSON lines with --json, the freshness last, and honours --limit', async () => {
    const { out, err } = await run('--json', '--limit', '2', '--status', 'request')
    const lines = out.map((line) => JSON.parse(line) as { emailId?: string; freshness?: unknown })
    expect(lines.map((line) => line.emailId)).toEqual(['email-1', 'email-9', undefined])
    expect(lines[2]?.freshness).toMatchObject({ current: true })
    expect(err.join()).toMatch(/newest 2/)
  })

  it('says on stderr how fresh the answer is when catch-up failed', async () => {
    core.catchUpLogs = () =>
      Promise.resolve({
        current: false,
        storedUpTo: Date.UTC(2025, 0, 1, 14, 2, 11),
        app: null,
        caughtUp: { mailEvents: 0, lines: 0, containers: 0 },
        problems: ['container output: Docker engine unreachable'],
      })
    const { out, err } = await run('--grep', 'mailbox')
    expect(out).toHaveLength(1)
    expect(err.join()).toContain(
      'stored up to 2025-01-01T14:02:11.000Z; the app is not running and catch-up failed: container output: Docker engine unreachable',
    )
  })

  it('says when a search was taken as plain words', async () => {
    const { out, err } = await run('--grep', '"mailbox unavailable')
    expect(out).toHaveLength(1)
    expect(err.join()).toMatch(/searched for the words as plain text/)
  })

  it('exports every match to a CSV file', async () => {
    const file = join(dir, 'out.csv')
    await run('--recipient', 'user9@example.com', '--export', file)
    const lines = readFileSync(file, 'utf8').trimEnd().split('\r\n')
    expect(lines[0]).toMatch(/^id,time,service/)
    expect(lines).toHaveLength(5)
  })

  it('refuses a duration or level it does not know', async () => {
    await expect(run('--since', 'yesterday-ish')).rejects.toMatchObject({ code: 'INVALID_INPUT' })
    await expect(run('--level', 'loud')).rejects.toThrow(/--level takes trace, debug/)
  })
})

describe('parseSince', () => {
  it('reads durations and dates', () => {
    const now = Date.UTC(2025, 0, 2)
    expect(parseSince('1h', now)).toBe(now - 3_600_000)
    expect(parseSince('90s', now)).toBe(now - 90_000)
    expect(parseSince('2d', now)).toBe(Date.UTC(2024, 11, 31))
    expect(parseSince('2025-01-01T00:00:00Z', now)).toBe(Date.UTC(2025, 0, 1))
  })
})
