// Settings from the environment, using Mailpit's variable names where Mailpit has one.
import { defaultTriggers, parseTriggerList, type ChaosTriggers } from './chaos'
import { DEFAULT_MAX_MESSAGE_BYTES, DEFAULT_MAX_MESSAGES } from './catcher'

export interface CatcherConfig {
  smtpHost: string
  smtpPort: number
  httpHost: string
  httpPort: number
  maxMessages: number
  maxMessageBytes: number
  chaos: ChaosTriggers
  /** Mailpit's MP_ALLOWED_HOSTS: Host names answered besides the loopback names. */
  allowedHosts: string
}

type Env = Record<string, string | undefined>

/** `host:port`, `:port` or `[::]:port`, as Mailpit's MP_SMTP_BIND_ADDR and MP_UI_BIND_ADDR. */
export function parseBindAddress(value: string, name: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(value.trim())
  const port = Number(match?.[3])
  if (match === null || !Number.isInteger(port) || port > 65_535) {
    throw new Error(`${name} must look like 0.0.0.0:1025, got "${value}"`)
  }
  const host = match[1] ?? match[2] ?? ''
  return { host: host === '' ? '0.0.0.0' : host, port }
}

function positiveInteger(env: Env, name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value.trim() === '') return fallback
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) {
    throw new Error(`${name} must be a positive integer, got "${value}"`)
  }
  return number
}

export function readConfig(env: Env = process.env): CatcherConfig {
  const smtp = parseBindAddress(env.MP_SMTP_BIND_ADDR ?? '0.0.0.0:1025', 'MP_SMTP_BIND_ADDR')
  const http = parseBindAddress(env.MP_UI_BIND_ADDR ?? '0.0.0.0:8025', 'MP_UI_BIND_ADDR')
  const sizeMb = positiveInteger(env, 'MP_MAX_MESSAGE_SIZE', DEFAULT_MAX_MESSAGE_BYTES / 2 ** 20)
  const triggers = env.MP_CHAOS_TRIGGERS
  return {
    smtpHost: smtp.host,
    smtpPort: smtp.port,
    httpHost: http.host,
    httpPort: http.port,
    maxMessages: positiveInteger(env, 'MP_MAX_MESSAGES', DEFAULT_MAX_MESSAGES),
    allowedHosts: env.MP_ALLOWED_HOSTS ?? '',
    maxMessageBytes: sizeMb * 2 ** 20,
    chaos:
      triggers === undefined || triggers.trim() === ''
        ? defaultTriggers()
        : parseTriggerList(triggers),
  }
}
