// An SMTP server's own ceiling: Postfix's smtp-source, a C load generator that costs about a tenth
// of a millisecond of CPU per message, so the server rather than the client is what bounds it
// (nodemailer from the host took about 2 ms per message, more than the app's catcher).
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { promisify } from 'node:util'
import type { Destination } from './mail-destinations'

const run = promisify(execFile)
const SMTP_SOURCE = '/usr/sbin/smtp-source'
/** The header block smtp-source writes (From, To, Date, Message-Id), in bytes. */
const SOURCE_HEADER_BYTES = 130

export const SINK_SESSIONS = 10

export interface SinkCeiling {
  rate: number
  serverMsPerEmail: number
  clientMsPerEmail: number
  messageBytes: number
}

/** Children's user and system seconds from bash's `times` (its second line). */
function childSeconds(times: string): number {
  const line = times.trim().split('\n').at(-1) ?? ''
  return [...line.matchAll(/(\d+)m([\d.]+)s/g)].reduce(
    (sum, [, minutes, seconds]) => sum + Number(minutes) * 60 + Number(seconds),
    0,
  )
}

/** `count` messages of about `messageBytes` each, straight to the destination's SMTP port. */
export async function sinkCeiling(
  destination: Destination,
  count: number,
  messageBytes: number,
): Promise<SinkCeiling> {
  if (!existsSync(SMTP_SOURCE)) {
    throw new Error(
      `${SMTP_SOURCE} is missing (Debian package postfix): run scripts/setup-machine.sh`,
    )
  }
  await destination.clear()
  const body = Math.max(1, messageBytes - SOURCE_HEADER_BYTES)
  const args = ['-d', '-s', String(SINK_SESSIONS), '-m', String(count), '-l', String(body)]
  args.push('-f', 'noreply@maildock.local', '-t', 'sink@example.com')
  const serverBefore = await destination.cpuSeconds()
  const started = performance.now()
  const { stdout } = await run('bash', [
    '-c',
    `"$0" "$@" >&2 && times`,
    SMTP_SOURCE,
    ...args,
    destination.address,
  ])
  const seconds = (performance.now() - started) / 1000
  const serverMs = ((await destination.cpuSeconds()) - serverBefore) * 1000
  const caught = await destination.total()
  if (caught !== count) throw new Error(`smtp-source: ${caught} of ${count} messages caught`)
  await destination.clear()
  return {
    rate: count / seconds,
    serverMsPerEmail: serverMs / count,
    clientMsPerEmail: (childSeconds(stdout) * 1000) / count,
    messageBytes: body + SOURCE_HEADER_BYTES,
  }
}
