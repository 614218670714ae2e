import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { SentLedger } from './ledger'

const receipt = { response: '250 OK', messageId: '<m@x>', accepted: ['a@b.co'], rejected: [] }
const DAY = 24 * 60 * 60 * 1000
let dir: string
const open = (replica: string, now?: () => Date) =>
  SentLedger.open({ dir, replica, retentionMs: 7 * DAY, ...(now === undefined ? {} : { now }) })

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'ledger-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

describe('SentLedger', () => {
  it('remembers sent ids across a restart', async () => {
    const first = open('e1')
    first.recordAttempt('a', 1)
    await first.recordSent('a', 1, 12, receipt)
    first.recordAttempt('b', 1)
    first.recordFailure('b', 1)
    first.close()

    const second = open('e1')
    expect(second.lookup('a')).toMatchObject({ kind: 'sent', attempt: 1, smtp: receipt })
    expect(second.lookup('b')).toMatchObject({ kind: 'failed' })
    expect(second.lookup('c')).toBeUndefined()
    second.close()
  })

  it('shows an attempt that never finished (the process died mid-send)', () => {
    const crashed = open('e1')
    crashed.recordAttempt('a', 2)
    // no close(): a SIGKILL leaves the written line in the page cache, then on disk
    const restarted = open('e1')
    expect(restarted.lookup('a')).toMatchObject({ kind: 'attempt', attempt: 2, replica: 'e1' })
  })

  it('sees what other replicas sent, as they write it', async () => {
    const one = open('e1')
    const two = open('e2')
    expect(two.lookup('x')).toBeUndefined()
    await one.recordSent('x', 1, 5, receipt)
    expect(two.lookup('x')).toMatchObject({ kind: 'sent', replica: 'e1' })
    expect(readdirSync(dir).sort()).toEqual(['e1.ledger', 'e2.ledger'])
  })

  it('never lets a later entry hide that an id was sent', async () => {
    const ledger = open('e1')
    await ledger.recordSent('a', 1, 1, receipt)
    ledger.recordAttempt('a', 2)
    expect(ledger.lookup('a')?.kind).toBe('sent')
  })

  it('compacts its own file to one line per id on open', async () => {
    const ledger = open('e1')
    ledger.recordAttempt('a', 1)
    await ledger.recordSent('a', 1, 1, receipt)
    ledger.recordAttempt('b', 1)
    ledger.close()
    open('e1').close()
    const lines = readFileSync(join(dir, 'e1.ledger'), 'utf8').trim().split('\n')
    expect(lines).toHaveLength(2)
    expect(lines.map((line) => (JSON.parse(line) as { kind: string }).kind).sort()).toEqual([
      'attempt',
      'sent',
    ])
  })

  it('drops entries past the retention period', async () => {
    let now = new Date('2026-01-01T00:00:00Z')
    const ledger = open('e1', () => now)
    await ledger.recordSent('old', 1, 1, receipt)
    ledger.close()
    now = new Date(now.getTime() + 8 * DAY)
    expect(open('e1', () => now).lookup('old')).toBeUndefined()
  })

  it('skips a line cut short by a crash and reads on', () => {
    appendFileSync(join(dir, 'e9.ledger'), '{"kind":"sent","id":"tor')
    const ledger = open('e1')
    expect(ledger.size).toBe(0)
    appendFileSync(
      join(dir, 'e9.ledger'),
      `n"}\n${JSON.stringify({ kind: 'sent', id: 'ok', replica: 'e9', at: new Date().toISOString(), attempt: 1, durationMs: 1, smtp: receipt })}\n`,
    )
    expect(ledger.lookup('ok')?.kind).toBe('sent')
    expect(ledger.lookup('torn')).toBeUndefined()
  })

  it('lists the directory again for a file that came within the mtime tick of a listing', async () => {
    const fresh = Math.floor(Date.now() / 1000)
    // Its clock stays within the tick, however long the machine stalls between these lines.
    const ledger = open('e1', () => new Date(fresh * 1000 + 500))
    utimesSync(dir, fresh, fresh)
    expect(ledger.lookup('x')).toBeUndefined()
    const other = open('e2')
    await other.recordSent('x', 1, 1, receipt)
    // Same coarse timestamp as at the listing: only a listing taken before it settled is redone.
    utimesSync(dir, fresh, fresh)
    expect(ledger.lookup('x')).toMatchObject({ kind: 'sent', replica: 'e2' })
  })

  it('reuses a settled listing while the directory is unchanged', async () => {
    const old = Math.floor(Date.now() / 1000) - 3600
    const ledger = open('e1')
    utimesSync(dir, old, old)
    expect(ledger.lookup('x')).toBeUndefined()
    const other = open('e2')
    await other.recordSent('x', 1, 1, receipt)
    utimesSync(dir, old, old)
    expect(ledger.lookup('x')).toBeUndefined()
    utimesSync(dir, old + 1, old + 1)
    expect(ledger.lookup('x')).toMatchObject({ kind: 'sent', replica: 'e2' })
  })
})
