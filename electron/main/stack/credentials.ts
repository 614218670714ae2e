import { randomInt } from 'node:crypto'
import type Docker from 'dockerode'
import { SMTP_PASSWORD_ENV, type SecretStore } from '../settings'
import { LABELS } from '../../../shared/labels'
import { type StackCredentials } from './definition'

export const BROKER_USER = 'maildock'
export const SMTP_PASSWORD_SECRET = 'smtp-password'
export const brokerSecretName = (stack: string): string => `broker-password/${stack}`

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** Letters and digits only: safe in a URL, an env file and a compose file as they are. */
export function generatePassword(length = 32): string {
  let password = ''
  for (let i = 0; i < length; i += 1) password += ALPHABET[randomInt(ALPHABET.length)]
  return password
}

/** The password the stack's broker container was created with, if there is one. */
export async function passwordOfRunningBroker(
  docker: Docker,
  stack: string,
): Promise<string | null> {
  const [broker] = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.stack}=${stack}`, `${LABELS.service}=broker`] },
  })
  if (broker === undefined) return null
  const info = await docker.getContainer(broker.Id).inspect()
  const entry = (info.Config.Env ?? []).find((e) => e.startsWith('RABBITMQ_DEFAULT_PASS='))
  return entry === undefined ? null : entry.slice('RABBITMQ_DEFAULT_PASS='.length)
}

/** The relay password from the environment or the secret store; empty means none (null). */
export async function loadSmtpPassword(
  secrets: SecretStore,
  env: NodeJS.ProcessEnv,
): Promise<string | null> {
  const password = env[SMTP_PASSWORD_ENV] || (await secrets.get(SMTP_PASSWORD_SECRET))
  return password ? password : null
}

export interface CredentialsResult {
  credentials: StackCredentials
  /** Set when this call generated (or adopted) the broker password and stored it. */
  stored: 'generated' | 'adopted' | null
}

/**
 * The broker password, generated once per install and stack and kept in the secret store. A
 * stack that already runs (started by another MailDock with its own store, e.g. the app vs the
 * CLI) keeps its password: adopting it avoids re-creating every service.
 */
export async function loadCredentials(
  secrets: SecretStore,
  stack: string,
  env: NodeJS.ProcessEnv,
  existing: () => Promise<string | null>,
): Promise<CredentialsResult> {
  const name = brokerSecretName(stack)
  let password = await secrets.get(name)
  let stored: CredentialsResult['stored'] = null
  if (password === undefined) {
    const adopted = await existing().catch(() => null)
    password = adopted ?? generatePassword()
    stored = adopted === null ? 'generated' : 'adopted'
    await secrets.set(name, password)
  }
  const smtpPassword = await loadSmtpPassword(secrets, env)
  return {
    credentials: { brokerUser: BROKER_USER, brokerPassword: password, smtpPassword },
    stored,
  }
}
