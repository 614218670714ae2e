import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { MaildockError } from '../../../shared/contract'
import { catchUpLogs, describeFreshness } from './catch-up'
import type { StackLogCollector } from './collector'
import { LogStore } from './store'

let dir: string
let store: LogStore
const env = () => ({ MAILDOCK_DATA_DIR: dir })

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-catch-up-'))
  store = new LogStore({ path: join(dir, 'logs.db'), retentionDelayMs: 0 })
  store.ingestLogLines('api', [
    { time: '2026-12-01T14:02:11.000000000Z', stream: 'stdout', text: 'up' },
  ])
})
afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('catching the log history up without the app', () => {
  it('drains the mail queue and reads the containers, then is current', async () => {
    const drainMail = vi.fn(() => Promise.resolve({ stored: 3 }))
    const collector = { catchUpOnce: () => Promise.resolve({ containers: 5, lines: 40 }) }
    const freshness = await catchUpLogs({
      env: env(),
      store,
      collector: collector as unknown as StackLogCollector,
      drainMail,
    })
    expect(freshness).toMatchObject({
      current: true,
      app: null,
      caughtUp: { mailEvents: 3, lines: 40, containers: 5 },
      problems: [],
    })
    expect(describeFreshness(freshness)).toBeNull()
  })

  it('says how far the history goes and why it is not current when catch-up fails', async () => {
    const freshness = await catchUpLogs({
      env: env(),
      store,
      collector: {
        catchUpOnce: () =>
          Promise.reject(new MaildockError('ENGINE_UNREACHABLE', 'engine unreachable')),
      } as unknown as StackLogCollector,
      drainMail: () => Promise.reject(new Error('broker unreachable: ECONNREFUSED')),
    })
    expect(freshness.current).toBe(false)
    expect(describeFreshness(freshness)).toBe(
      'stored up to 2026-12-01T14:02:11.000Z; the app is not running and catch-up failed: mail events: broker unreachable: ECONNREFUSED; container output: engine unreachable',
    )
  })

  it('only reads when a live app holds the store', async () => {
    writeFileSync(
      join(dir, 'logs.holder.json'),
      JSON.stringify({ pid: process.pid, host: hostname(), by: 'MailDock', startedAt: 1 }),
    )
    const drainMail = vi.fn(() => Promise.resolve({ stored: 0 }))
    const freshness = await catchUpLogs({
      env: env(),
      store,
      collector: {} as StackLogCollector,
      drainMail,
    })
    expect(freshness).toMatchObject({ current: true, caughtUp: null, app: { pid: process.pid } })
    expect(drainMail).not.toHaveBeenCalled()
  })
})
