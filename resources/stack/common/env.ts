// Configuration comes from environment variables only; these read them with clear errors.
import { readFileSync } from 'node:fs'
import { QUEUE_TYPES, type QueueType } from '../../../shared/messages'
import { redactUrl } from '../../../shared/redact-url'

export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const present = (value: string | undefined): value is string => value !== undefined && value !== ''

/** The contents of the file `<NAME>_FILE` names (a mounted Docker or Kubernetes secret), if set. */
function fromFile(env: Env, name: string): string | undefined {
  const file = env[`${name}_FILE`]
  if (!present(file)) return undefined
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    throw new ConfigError(`${name}_FILE: cannot read ${file} (${(error as Error).message})`)
  }
}

/** Any setting: `<NAME>`, or else the file `<NAME>_FILE` names, so none need sit in the environment. */
function envValue(env: Env, name: string): string | undefined {
  const value = env[name]
  return present(value) ? value : fromFile(env, name)
}

export function envString(env: Env, name: string, fallback: string): string {
  return envValue(env, name) ?? fallback
}

export function envOptional(env: Env, name: string): string | undefined {
  return envValue(env, name)
}

export function envInt(env: Env, name: string, fallback: number, min = 0): number {
  const raw = envValue(env, name)
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`)
  }
  return value
}

export function envBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = envValue(env, name)
  if (raw === undefined) return fallback
  if (/^(1|true|yes|on)$/i.test(raw)) return true
  if (/^(0|false|no|off)$/i.test(raw)) return false
  throw new ConfigError(`${name} must be true or false, got "${raw}"`)
}

export function envChoice<T extends string>(
  env: Env,
  name: string,
  choices: readonly T[],
  fallback: T,
): T {
  const raw = envValue(env, name)
  if (raw === undefined) return fallback
  const choice = choices.find((candidate) => candidate === raw)
  if (choice === undefined) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`)
  }
  return choice
}

/**
 * A secret: from the file `<NAME>_FILE` names first (what MailDock mounts, so the value never
 * shows in `docker inspect`), else from `<NAME>` itself (compose files, tests).
 */
export function envSecret(env: Env, name: string): string | undefined {
  return fromFile(env, name) ?? envOptional(env, name)
}

/** AMQP_QUEUE_TYPE: every service of a stack must declare the same type (the broker refuses a mix). */
export const envQueueType = (env: Env): QueueType =>
  envChoice(env, 'AMQP_QUEUE_TYPE', QUEUE_TYPES, 'classic')

/** AMQP_URL may list several nodes of a broker cluster, separated by commas. */
export function parseAmqpUrls(value: string): string[] {
  const urls = value
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '')
  for (const url of urls) {
    if (!/^amqps?:\/\//.test(url))
      throw new ConfigError(`AMQP_URL: not an amqp:// URL: ${redactUrl(url)}`)
  }
  if (urls.length === 0) throw new ConfigError('AMQP_URL is empty')
  return urls
}

/**
 * The broker URL (or comma-separated URLs of a cluster's nodes) from `AMQP_URL` or
 * `AMQP_URL_FILE`, with the password from `AMQP_PASSWORD_FILE` (or `AMQP_PASSWORD`) put into each
 * when one is given: MailDock passes the URL without it.
 */
export function envBrokerUrl(env: Env, fallback: string): string {
  const url = envString(env, 'AMQP_URL', fallback)
  const password = envSecret(env, 'AMQP_PASSWORD')
  if (password === undefined) return url
  const withPassword = (one: string): string => {
    try {
      const parsed = new URL(one)
      parsed.password = encodeURIComponent(password)
      return parsed.toString()
    } catch {
      throw new ConfigError(`AMQP_URL is not a URL: ${redactUrl(one)}`)
    }
  }
  return parseAmqpUrls(url).map(withPassword).join(',')
}
