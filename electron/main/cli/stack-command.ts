import { resolve } from 'node:path'
import type { Command } from 'commander'
import {
  MaildockError,
  stackServiceNames,
  type StackOperation,
  type StackResult,
  type StackServiceName,
  type StackStatus,
  type StackStep,
} from '../../../shared/contract'
import type { Core } from '../core'
import { call, follow } from './run'

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`

/** Prints each step as it starts, changes phase and ends: readable in a terminal and a CI log. */
export class ProgressPrinter {
  private readonly seen = new Map<string, string>()

  constructor(private readonly write: (line: string) => void) {}

  update(operation: StackOperation): void {
    for (const step of operation.steps) this.step(step)
  }

  private step(step: StackStep): void {
    const key = `${step.state}|${step.kind === 'build' || step.kind === 'health' ? (step.detail ?? '') : ''}`
    const previous = this.seen.get(step.id)
    if (previous === key || step.state === 'pending') return
    this.seen.set(step.id, key)
    const took =
      step.startedAt !== null && step.endedAt !== null
        ? `  (${seconds(step.endedAt - step.startedAt)})`
        : ''
    if (step.state === 'running') {
      if (previous?.startsWith('running') && step.detail) this.write(`    ${step.detail}`)
      else this.write(`  … ${step.title}`)
    } else if (step.state === 'done') this.write(`  ✓ ${step.title}${took}`)
    else if (step.state === 'skipped') this.write(`  - ${step.title} (skipped)`)
    else {
      this.write(`  ✗ ${step.title}${took}: ${step.detail ?? 'failed'}`)
      for (const line of step.logs.slice(-40)) this.write(`      | ${line}`)
    }
  }
}

const pad = (text: string, width: number): string => text.padEnd(width)

export function formatStatus(status: StackStatus): string[] {
  const lines = [
    `Stack ${status.name}: ${status.state}${status.busy ? ` (${status.busy.kind} running)` : ''}`,
  ]
  for (const problem of status.problems) lines.push(`Settings problem: ${problem}`)
  for (const warning of status.warnings ?? []) lines.push(`Warning: ${warning}`)
  if (status.engine.state !== 'connected') {
    lines.push(
      `Engine ${status.engine.state}${status.engine.error ? `: ${status.engine.error}` : ''}`,
    )
    return lines
  }
  const rows = [['SERVICE', 'STATE', 'HEALTH', 'REPLICAS', 'PORTS', 'UPTIME', 'RESTARTS']]
  for (const service of status.services) {
    const running = service.instances.filter((i) => i.state === 'running').length
    const ports = [
      ...new Set(
        service.instances.flatMap((i) =>
          i.ports.map((p) => `${p.hostIp}:${p.hostPort ?? '?'}->${p.containerPort}`),
        ),
      ),
    ]
    const uptimes = service.instances.flatMap((i) => (i.uptimeMs === null ? [] : [i.uptimeMs]))
    const uptime = uptimes.length > 0 ? humanDuration(Math.min(...uptimes)) : '-'
    const restarts = service.instances.reduce((sum, i) => sum + i.restarts, 0)
    rows.push([
      service.service,
      service.state,
      service.health,
      `${running}/${service.desiredReplicas}`,
      ports.join(', ') || '-',
      uptime,
      String(restarts),
    ])
  }
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => row[col]!.length)) + 2)
  lines.push(
    ...rows.map((row) =>
      row
        .map((cell, col) => pad(cell, widths[col]!))
        .join('')
        .trimEnd(),
    ),
  )
  const links = status.services.flatMap((s) => s.links)
  if (links.length > 0) lines.push('', ...links.map((link) => `${link.label}: ${link.url}`))
  const volumes = status.volumes.filter((v) => v.exists).map((v) => v.name)
  if (volumes.length > 0) lines.push(`Volumes kept: ${volumes.join(', ')}`)
  return lines
}

export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000)
  if (s < 60) return `${s}s`
  if (s < 3600) return `${Math.floor(s / 60)}m${s % 60 ? `${s % 60}s` : ''}`
  if (s < 86_400) return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m`
  return `${Math.floor(s / 86_400)}d${Math.floor((s % 86_400) / 3600)}h`
}

/** Runs an operation while printing its progress; prints the outcome, or the failing step's logs. */
async function withProgress(
  core: Core,
  run: () => Promise<StackResult>,
  options: { json?: boolean } = {},
): Promise<void> {
  const printer = new ProgressPrinter((line) => console.error(line))
  const controller = new AbortController()
  const interrupted = (): void => {
    console.error(
      '\nmaildock: interrupted: the stack may be half done; `maildock up` finishes it, `maildock down` removes it',
    )
    process.exit(130)
  }
  process.once('SIGINT', interrupted)
  let mine: string | null = null
  const following = follow(
    core,
    'stack:progress',
    {},
    (operation) => {
      // The first snapshot may be an older operation's; print only the one started now.
      if (operation.state === 'running') mine ??= operation.id
      if (operation.id === mine) printer.update(operation)
    },
    controller.signal,
  ).catch(() => undefined)
  try {
    const result = await run()
    printer.update(result.operation)
    if (options.json) console.log(JSON.stringify(result, null, 2))
    else {
      console.error(
        `${result.operation.summary ?? 'done'} in ${seconds(result.operation.elapsedMs)}`,
      )
      for (const warning of result.warnings) console.error(`note: ${warning}`)
      console.log(formatStatus(result.status).join('\n'))
    }
  } catch (error) {
    if (error instanceof MaildockError) {
      const details = error.details as { logs?: unknown; step?: unknown } | undefined
      const logs = Array.isArray(details?.logs) ? (details.logs as string[]) : []
      const step = typeof details?.step === 'string' ? details.step : 'the failing step'
      if (logs.length > 0 && mine === null) {
        console.error(`Logs of "${step}":`)
        for (const line of logs.slice(-40)) console.error(`  | ${line}`)
      }
    }
    throw error
  } finally {
    process.off('SIGINT', interrupted)
    controller.abort()
    await following
  }
}

function service(name: string): StackServiceName {
  if (!(stackServiceNames as readonly string[]).includes(name)) {
    throw new MaildockError(
      'INVALID_INPUT',
      `Unknown service "${name}": one of ${stackServiceNames.join(', ')}`,
    )
  }
  return name as StackServiceName
}

/** `maildock logs <service> [-f]`: the stack's containers' own output (every replica). */
export async function printServiceLogs(core: Core, name: string, followLogs: boolean, tail = 200) {
  const controller = new AbortController()
  const stop = (): void => controller.abort()
  process.once('SIGINT', stop)
  try {
    await follow(
      core,
      'stack:logs',
      { service: service(name), follow: followLogs, tail },
      (batch) => {
        for (const line of batch.lines) console.log(`${line.instance} | ${line.text}`)
        if (batch.dropped > 0) console.error(`maildock: ${batch.dropped} lines skipped`)
      },
      controller.signal,
    )
  } finally {
    process.off('SIGINT', stop)
  }
}

export function registerStackCommands(program: Command, core: () => Core): void {
  program.option(
    '--config <file>',
    'a JSON file of stack settings (over the saved ones, under MAILDOCK_* variables)',
  )
  program.hook('preAction', () => {
    const config = program.opts<{ config?: string }>().config
    if (config) process.env.MAILDOCK_CONFIG = resolve(config)
  })
  registerLifecycleCommands(program, core)
  registerServiceCommands(program, core)
}

/** up, down and status: the whole stack. */
function registerLifecycleCommands(program: Command, core: () => Core): void {
  program
    .command('up')
    .description('build, create and start the stack; waits until every service is healthy')
    .option('--json', 'print the outcome as JSON')
    .action(async (options: { json?: boolean }) => {
      await withProgress(core(), () => call(core(), 'stack:up', {}), options)
      // Without a running app, this declares the app's mail-event queue: `logs` reads it later.
      const freshness = await core().catchUpLogs()
      if (freshness.problems.length > 0) {
        console.error(
          `note: mail events are not kept for \`maildock logs\` yet: ${freshness.problems.join('; ')}`,
        )
      }
    })

  program
    .command('down')
    .description('stop and remove the stack (its volumes are kept unless --volumes)')
    .option(
      '--volumes',
      'also remove the volumes (queued messages, the logger history, the emailer ledger)',
    )
    .option('--json', 'print the outcome as JSON')
    .action((options: { volumes?: boolean; json?: boolean }) =>
      withProgress(
        core(),
        () => call(core(), 'stack:down', { volumes: options.volumes === true }),
        options,
      ),
    )

  program
    .command('status')
    .description("each service's state, health, published ports, uptime and restarts")
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }) => {
      const status = await call(core(), 'stack:status', {})
      console.log(options.json ? JSON.stringify(status, null, 2) : formatStatus(status).join('\n'))
      if (status.engine.state !== 'connected') {
        throw new MaildockError(
          'ENGINE_UNREACHABLE',
          `Docker engine ${status.engine.state}: ${status.engine.error ?? ''}`,
        )
      }
    })
}

/** restart, start, stop and scale: one service. */
function registerServiceCommands(program: Command, core: () => Core): void {
  program
    .command('restart <service>')
    .description(`restart one service (${stackServiceNames.join(', ')}) and wait until healthy`)
    .action((name: string) =>
      withProgress(core(), () => call(core(), 'stack:restart', { service: service(name) })),
    )

  for (const action of ['start', 'stop'] as const) {
    program
      .command(`${action} <service>`)
      .description(`${action} one service of the stack`)
      .action((name: string) =>
        withProgress(core(), () =>
          call(core(), 'stack:service-action', { service: service(name), action }),
        ),
      )
  }

  program
    .command('scale <service> <replicas>')
    .description('run N emailer replicas (saved in the settings)')
    .action((name: string, replicas: string) => {
      const count = Number(replicas)
      if (name !== 'emailer')
        throw new MaildockError('INVALID_INPUT', `Only the emailer scales, not ${name}`)
      if (!Number.isInteger(count) || count < 0 || count > 20) {
        throw new MaildockError(
          'INVALID_INPUT',
          `Replicas must be a whole number from 0 to 20, not ${replicas}`,
        )
      }
      return withProgress(core(), () =>
        call(core(), 'stack:scale', { service: 'emailer', replicas: count }),
      )
    })
}
