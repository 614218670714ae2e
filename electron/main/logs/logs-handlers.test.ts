import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ChannelHandlers, EventHandlers } from '../lib/handlers'
import { createRouter } from '../router'
import type { StackLogCollector } from './collector'
import { fixtureMessages, toMail } from '../../../test/support/log-fixtures'
import { logsHandlers } from './logs-handlers'
import { LogStore } from './store'

const ctx = { sender: { url: 'test://', isMainFrame: true } }
let dir: string
let store: LogStore

function router() {
  const collector = { containers: () => [], subscribe: () => () => undefined }
  const docker = {
    listContainers: () =>
      Promise.resolve([
        { Id: 'x1', Names: ['/other'], Labels: {}, State: 'running' },
        {
          Id: 'y2',
          Names: ['/stack-api-1'],
          Labels: { 'maildock.stack': 'default', 'maildock.service': 'api' },
          State: 'running',
        },
      ]),
  }
  const api = logsHandlers({
    store,
    collector: collector as unknown as StackLogCollector,
    docker: () => docker as unknown as Docker,
  })
  return createRouter({
    isTrustedSender: () => true,
    channels: api.channels as unknown as ChannelHandlers,
    events: api.events as unknown as EventHandlers,
  })
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'maildock-handlers-'))
  store = new LogStore({
    path: join(dir, 'logs.db'),
    retentionDelayMs: 0,
    writer: { intervalMs: 5 },
  })
  await Promise.all(fixtureMessages(4).map((message) => store.ingestMail(toMail(message))))
})

afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('logs handlers', () => {
  it('answers a search, a timeline and a status through the router', async () => {
    const r = router()
    const search = await r.call('logs:search', { query: { text: 'Invoice' } }, ctx)
    expect(search).toMatchObject({ ok: true, result: { entries: [{ emailId: 'email-4' }] } })
    const get = await r.call('logs:get', { emailId: 'email-4' }, ctx)
    expect(get).toMatchObject({ ok: true, result: { email: { lastStatus: 'sent' } } })
    const status = await r.call('logs:status', {}, ctx)
    expect(status).toMatchObject({ ok: true, result: { rows: 3, state: 'ready' } })
  })

  it('refuses bad input before the store sees it', async () => {
    const r = router()
    const bad = await r.call('logs:search', { query: { levels: ['loud'] }, limit: 0 }, ctx)
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
    const retention = await r.call('logs:set-retention', { maxAgeDays: -1, maxSizeMb: null }, ctx)
    expect(retention).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('lists the stack containers first as tail sources', async () => {
    const result = await router().call('logs:sources', {}, ctx)
    expect(result).toMatchObject({
      ok: true,
      result: {
        sources: [
          { name: 'stack-api-1', service: 'api', stack: true },
          { name: 'other', stack: false },
        ],
      },
    })
  })

  it('resets the database through the channel and reports where the old one went', async () => {
    const result = await router().call('logs:reset-db', {}, ctx)
    expect(result).toMatchObject({ ok: true, result: { status: { rows: 0, state: 'ready' } } })
    expect((result as { result: { keptAs: string } }).result.keptAs).toMatch(/logs\.db\.old-/)
  })
})
