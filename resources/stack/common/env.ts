// Configuration comes from environment variables only; these read them with clear errors.
import { readFileSync } from 'node:fs'
import { redactUrl } from '../../../shared/redact-url'

export type Env = Record<string, string | undefined>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

export function envString(env: Env, name: string, fallback: string): string {
  const value = env[name]
  return value === undefined || value === '' ? fallback : value
}

export function envOptional(env: Env, name: string): string | undefined {
  const value = env[name]
  return value === undefined || value === '' ? undefined : value
}

export function envInt(env: Env, name: string, fallback: number, min = 0): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer >= ${min}, got "${raw}"`)
  }
  return value
}

export function envBool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
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
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  const choice = choices.find((candidate) => candidate === raw)
  if (choice === undefined) {
    throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got "${raw}"`)
  }
  return choice
}

/**
 * A secret: from the file `<NAME>_FILE` names (what MailDock mounts, so the value never shows in
 * `docker inspect`), else from `<NAME>` itself (compose files, tests).
 */
export function envSecret(env: Env, name: string): string | undefined {
  const file = envOptional(env, `${name}_FILE`)
  if (file === undefined) return envOptional(env, name)
  try {
    return readFileSync(file, 'utf8').replace(/\r?\n$/, '')
  } catch (error) {
    throw new ConfigError(`${name}_FILE: cannot read ${file} (${(error as Error).message})`)
  }
}

/**
 * The broker URL from `AMQP_URL`, with the password from `AMQP_PASSWORD_FILE` (or
 * `AMQP_PASSWORD`) when one is given: MailDock passes the URL without it.
 */
export function envBrokerUrl(env: Env, fallback: string): string {
  const url = envString(env, 'AMQP_URL', fallback)
  const password = envSecret(env, 'AMQP_PASSWORD')
  if (password === undefined) return url
  try {
    const parsed = new URL(url)
    parsed.password = encodeURIComponent(password)
    return parsed.toString()
  } catch {
    throw new ConfigError(`AMQP_URL is not a URL: ${redactUrl(url)}`)
  }
}
