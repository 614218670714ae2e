// CLI only, no app: `maildock up`, `send`, `mailbox list|show|rm|clear`, `chaos` against a real
// one-click stack (throw-away name, engine-picked ports), with their exit codes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChaosTriggers, MailboxMessage, MailboxPage } from '../../../shared/contract'
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
