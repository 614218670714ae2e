// CLI only, no app: `maildock up`, `send`, `mailbox list|show|rm|clear`, `chaos`, `logs` against a
// real one-click stack (throw-away name, engine-picked ports), with their exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChaosTriggers, LogEntry, MailboxMessage, MailboxPage } from '../../../shared/contract'
import type { LogFreshness } from '../logs'
import { runCli, type CliRun } from '../../../test/support/cli'
import {
  eventually,
  pinTestInputs,
  removeStack,
  stackEnv,
  uniqueStackName,
  type PinnedInputs,
} from '../../../test/support/stack'

const docker = new Docker()
const stack = uniqueStackName('mdmb')
const dataDir = mkdtempSync(join(tmpdir(), 'maildock-mailbox-'))
let env: NodeJS.ProcessEnv = {}
let pinned: PinnedInputs | undefined

const maildock = (...args: string[]): Promise<CliRun> => runCli(env, ...args)

async function ok(...args: string[]): Promise<CliRun> {
  const run = await maildock(...args)
  if (run.code !== 0)
    throw new Error(`maildock ${args.join(' ')} exited ${run.code}:\n${run.stderr}`)
  return run
}

const list = async (...args: string[]): Promise<MailboxPage> =>
  JSON.parse((await ok('mailbox', 'list', '--json', ...args)).stdout) as MailboxPage

beforeAll(async () => {
  await removeStack(docker, stack)
  pinned = await pinTestInputs(docker, stack)
  env = { ...process.env, ...stackEnv(stack, pinned.env), MAILDOCK_DATA_DIR: dataDir }
  await ok('up')
})

afterAll(async () => {
  await removeStack(docker, stack)
  await pinned?.cleanup()
  rmSync(dataDir, { recursive: true, force: true })
})

describe('maildock mailbox and chaos, CLI only', () => {
  it('lists a sent email with its MailDock id header, shows it, deletes it', async () => {
    const subject = `mailbox ${stack}`
    const sent = await ok(
      'send',
      '--to',
      'ann@example.org',
      '--subject',
      subject,
      '--text',
      'hi',
      '--json',
    )
    const { id } = JSON.parse(sent.stdout) as { id: string }
    const page = await eventually(
      'the email in the mailbox',
      async () => {
        const found = await list('--search', `subject:"${subject}"`)
        expect(found.messages).toHaveLength(1)
        return found
      },
      60_000,
    )
    const [summary] = page.messages
    expect(summary?.emailId).toBe(id)
    const message = JSON.parse(
      (await ok('mailbox', 'show', summary?.id ?? '', '--json')).stdout,
    ) as MailboxMessage
    expect(message.headers['X-Maildock-Id']).toEqual([id])
    expect((await ok('mailbox', 'show', summary?.id ?? '', '--raw')).stdout).toContain(
      `Subject: ${subject}`,
    )

    await ok('mailbox', 'rm', summary?.id ?? '')
    expect((await list('--search', `subject:"${subject}"`)).messages).toEqual([])
    const missing = await maildock('mailbox', 'show', summary?.id ?? '')
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/404|not found/i)
  })

  it('sets chaos with --recipient 550:100 and resets it, with exit codes', async () => {
    const set = await ok('chaos', '--recipient', '550:100', '--json')
    expect((JSON.parse(set.stdout) as ChaosTriggers).Recipient).toEqual({
      ErrorCode: 550,
      Probability: 100,
    })
    expect((await ok('chaos')).stdout).toContain('Recipient fails with 550 100%')
    const bad = await maildock('chaos', '--recipient', '250:100')
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('CODE 400-599')
    const reset = await ok('chaos', '--reset', '--json')
    expect((JSON.parse(reset.stdout) as ChaosTriggers).Recipient.Probability).toBe(0)
    expect((await ok('chaos')).stdout).toContain('chaos: off')
  })

  it('refuses a CSV with no subject or body anywhere: exit 2, nothing sent', async () => {
    await ok('mailbox', 'clear')
    const file = join(dataDir, 'blank.csv')
    writeFileSync(file, 'email,name\nann@example.org,Ann\nbob@example.org,Bob\n')
    const run = await maildock('send', '--csv', file)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain('has neither a subject nor a body')
    const blank = await maildock('send', '--to', 'ann@example.org')
    expect(blank.code).toBe(2)
    // Columns named subject and text are the templates when no option is given.
    writeFileSync(file, `email,subject,text\nann@example.org,Csv ${stack},Hello Ann\n`)
    await ok('send', '--csv', file, '--name', `csv-${stack}`)
    const tagged = await eventually(
      'the tagged email',
      async () => {
        const found = await list('--search', `tag:csv-${stack}`)
        expect(found.messages).toHaveLength(1)
        return found
      },
      60_000,
    )
    expect(tagged.total).toBe(1)
    expect(tagged.messages[0]?.subject).toBe(`Csv ${stack}`)
  })
})

describe('maildock logs, CLI only: no app fills the history', () => {
  const logs = async (...args: string[]) => {
    const lines = (await ok('logs', '--json', ...args)).stdout.trim().split('\n')
    const parsed = lines.map((line) => JSON.parse(line) as LogEntry & { freshness?: LogFreshness })
    const freshness = parsed.pop()?.freshness
    if (!freshness) throw new Error('no freshness line')
    return { entries: parsed, freshness }
  }
  const storedUpTo = (ts: number): number => {
    const db = new Database(join(dataDir, 'logs.db'), { readonly: true })
    try {
      return db.prepare('SELECT count(*) FROM entries WHERE ts <= ?').pluck().get(ts) as number
    } finally {
      db.close()
    }
  }

  it('catches up (mail events, container output) and finds a sent email and its outcome', async () => {
    const word = `headless${stack.replace(/[^a-z0-9]/gi, '')}`
    const sent = await ok(
      'send',
      '--to',
      `${word}@example.org`,
      '--subject',
      word,
      '--text',
      'hi',
      '--json',
    )
    const { id } = JSON.parse(sent.stdout) as { id: string }
    const first = await eventually(
      'the request and its outcome in `maildock logs`',
      async () => {
        const answer = await logs('--grep', word)
        const statuses = answer.entries.filter((e) => e.emailId === id).map((e) => e.status)
        expect(statuses).toEqual(expect.arrayContaining(['request', 'sent']))
        return answer
      },
      60_000,
    )
    expect(first.freshness).toMatchObject({ current: true, app: null, problems: [] })
    expect(first.freshness.caughtUp?.containers).toBeGreaterThan(0)
    const before = storedUpTo(first.freshness.storedUpTo ?? 0)

    // A second run reads each container again from its newest stored line: nothing twice.
    const second = await logs('--grep', word)
    expect(second.entries.map((e) => e.id)).toEqual(first.entries.map((e) => e.id))
    expect(second.freshness.caughtUp?.mailEvents).toBe(0)
    expect(storedUpTo(first.freshness.storedUpTo ?? 0)).toBe(before)
  })

  it('reads what a running app stored, without catching up', async () => {
    const holder = join(dataDir, 'logs.holder.json')
    writeFileSync(holder, JSON.stringify({ pid: process.pid, host: hostname(), by: 'test' }))
    try {
      const { freshness } = await logs('--grep', 'anything')
      expect(freshness).toMatchObject({ current: true, caughtUp: null, app: { pid: process.pid } })
    } finally {
      rmSync(holder, { force: true })
    }
  })
})
