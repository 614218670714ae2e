import type { Command } from 'commander'
import {
  chaosStages,
  isChaosActive,
  MaildockError,
  type ChaosStage,
  type ChaosTrigger,
  type ChaosTriggers,
  type MailboxSummary,
} from '../../../shared/contract'
import type { Core } from '../core'
import { call } from './run'

/** `550:100` -> ErrorCode 550, Probability 100; a bare `550` means always. */
export function parseTrigger(value: string): ChaosTrigger {
  const match = /^(\d{3})(?::(\d{1,3}))?$/.exec(value.trim())
  const code = Number(match?.[1])
  const probability = match?.[2] === undefined ? 100 : Number(match[2])
  if (match === null || code < 400 || code > 599 || probability > 100) {
    throw new MaildockError(
      'INVALID_INPUT',
      `A chaos trigger is CODE[:PERCENT] with CODE 400-599 and PERCENT 0-100, e.g. 550:100 (got "${value}")`,
    )
  }
  return { ErrorCode: code, Probability: probability }
}

const time = (ms: number): string => new Date(ms).toISOString().replace('T', ' ').slice(0, 19)

export function formatSummary(message: MailboxSummary): string {
  const to = message.to.map((entry) => entry.address).join(', ')
  const tags = message.tags.length > 0 ? `  [${message.tags.join(', ')}]` : ''
  return `${message.id}  ${time(message.createdAt)}  ${to}  ${message.subject}${tags}`
}

export function formatChaos(triggers: ChaosTriggers): string {
  if (!isChaosActive(triggers)) return 'chaos: off (every stage passes)'
  return chaosStages
    .filter((stage) => triggers[stage].Probability > 0)
    .map(
      (stage) =>
        `chaos: ${stage} fails with ${triggers[stage].ErrorCode} ${triggers[stage].Probability}% of the time`,
    )
    .join('\n')
}

/** `maildock mailbox list|show|rm|clear`: what the stack's mail catcher received. */
function registerMailbox(program: Command, core: () => Core): void {
  const mailbox = program.command('mailbox').description("what the stack's mail catcher received")
  mailbox
    .command('list')
    .description('received messages, newest first')
    .option('--search <query>', 'Mailpit search: to:ADDRESS subject:WORD tag:NAME, or words')
    .option('--limit <n>', 'how many (1-1000)', (value) => Number(value), 50)
    .option('--json', 'print the page as JSON')
    .action(async (options: { search?: string; limit: number; json?: boolean }) => {
      const page = await call(core(), 'mailbox:list', {
        limit: options.limit,
        ...(options.search === undefined ? {} : { search: options.search }),
      })
      if (options.json === true) return console.log(JSON.stringify(page))
      for (const message of page.messages) console.log(formatSummary(message))
      console.log(
        `${page.messages.length} shown of ${page.matching} (${page.total} in the mailbox)`,
      )
    })
  mailbox
    .command('show <id>')
    .description('one message: headers and text (--raw: the source, --json: everything)')
    .option('--raw', 'print the raw source')
    .option('--json', 'print the message as JSON')
    .action(async (id: string, options: { raw?: boolean; json?: boolean }) => {
      if (options.raw === true) {
        return void process.stdout.write((await call(core(), 'mailbox:raw', { id })).raw)
      }
      const message = await call(core(), 'mailbox:message', { id })
      if (options.json === true) return console.log(JSON.stringify(message))
      for (const [name, values] of Object.entries(message.headers)) {
        for (const value of values) console.log(`${name}: ${value}`)
      }
      console.log(`\n${message.text}`)
    })
  mailbox
    .command('rm <ids...>')
    .description('delete messages by id')
    .action(async (ids: string[]) => {
      await call(core(), 'mailbox:delete', { ids })
      console.log(`deleted ${ids.length}`)
    })
  mailbox
    .command('clear')
    .description('delete every message')
    .action(async () => {
      await call(core(), 'mailbox:delete', {})
      console.log('mailbox cleared')
    })
}

interface ChaosOptions {
  sender?: ChaosTrigger
  recipient?: ChaosTrigger
  auth?: ChaosTrigger
  reset?: boolean
  json?: boolean
}

/** `maildock chaos`: the catcher's failure injection (Mailpit's chaos triggers). */
function registerChaos(program: Command, core: () => Core): void {
  program
    .command('chaos')
    .description("show or set the catcher's chaos triggers (reject SMTP stages on purpose)")
    .option('--sender <code:percent>', 'fail MAIL FROM, e.g. 451:50', parseTrigger)
    .option('--recipient <code:percent>', 'fail RCPT TO, e.g. 550:100', parseTrigger)
    .option('--auth <code:percent>', 'fail AUTH, e.g. 535:100', parseTrigger)
    .option('--reset', 'turn every trigger off')
    .option('--json', 'print the triggers as JSON')
    .action(async (options: ChaosOptions) => {
      const given: Partial<Record<ChaosStage, ChaosTrigger>> = {
        ...(options.sender === undefined ? {} : { Sender: options.sender }),
        ...(options.recipient === undefined ? {} : { Recipient: options.recipient }),
        ...(options.auth === undefined ? {} : { Authentication: options.auth }),
      }
      if (options.reset === true && Object.keys(given).length > 0) {
        throw new MaildockError('INVALID_INPUT', '--reset cannot be combined with a trigger')
      }
      const off = { ErrorCode: 451, Probability: 0 }
      const triggers =
        options.reset === true
          ? await call(core(), 'mailbox:chaos-set', {
              triggers: {
                Sender: off,
                Recipient: off,
                Authentication: { ErrorCode: 535, Probability: 0 },
              },
            })
          : Object.keys(given).length > 0
            ? await call(core(), 'mailbox:chaos-set', { triggers: given })
            : await currentChaos(core())
      console.log(options.json === true ? JSON.stringify(triggers) : formatChaos(triggers))
    })
}

async function currentChaos(core: Core): Promise<ChaosTriggers> {
  const status = await call(core, 'mailbox:status', {})
  if (!status.available) throw new MaildockError('UNAVAILABLE', status.reason ?? 'No mail catcher')
  if (status.chaos === null) {
    throw new MaildockError('UNAVAILABLE', 'The mail catcher has no chaos feature enabled')
  }
  return status.chaos
}

export function registerMailboxCommands(program: Command, core: () => Core): void {
  registerMailbox(program, core)
  registerChaos(program, core)
}
