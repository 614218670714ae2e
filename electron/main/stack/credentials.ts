import { randomInt } from 'node:crypto'
import type Docker from 'dockerode'
import { SMTP_PASSWORD_ENV, type SecretStore } from '../settings'
import { LABELS } from '../../../shared/labels'
import { z } from 'zod'
import { BROKER_SERVICES, type BrokerService } from './broker-users'
import { readContainerFile } from './container-files'
import { type StackCredentials } from './definition'
import { BROKER_CREDENTIALS_FILE } from './service-secrets'

export const BROKER_USER = 'maildock'
export const SMTP_PASSWORD_SECRET = 'smtp-password'
export const brokerSecretName = (stack: string): string => `broker-password/${stack}`
export const serviceSecretName = (stack: string, service: BrokerService): string =>
  `broker-password/${stack}/${service}`

const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789'

/** Letters and digits only: safe in a URL, an env file and a compose file as they are. */
export function generatePassword(length = 32): string {
  let password = ''
  for (let i = 0; i < length; i += 1) password += ALPHABET[randomInt(ALPHABET.length)]
  return password
}

/** Broker passwords a running stack was created with, as far as they can be read back. */
export interface RunningPasswords {
  admin: string
  services: Partial<Record<BrokerService, string>>
}

/**
 * The passwords of the stack's broker container, if there is one: from the credentials file
 * MailDock wrote into it, or (a stack created before secret files) its RABBITMQ_DEFAULT_PASS.
 */
export async function passwordsOfRunningBroker(
  docker: Docker,
  stack: string,
): Promise<RunningPasswords | null> {
  const [broker] = await docker.listContainers({
    all: true,
    filters: { label: [`${LABELS.stack}=${stack}`, `${LABELS.service}=broker`] },
  })
  if (broker === undefined) return null
  const file = await readContainerFile(docker, broker.Id, BROKER_CREDENTIALS_FILE)
  if (file !== null) {
    const parsed = runningPasswordsSchema.safeParse(JSON.parse(file))
    if (parsed.success) return parsed.data
  }
  const info = await docker.getContainer(broker.Id).inspect()
  const entry = (info.Config.Env ?? []).find((e) => e.startsWith('RABBITMQ_DEFAULT_PASS='))
  return entry === undefined
    ? null
    : { admin: entry.slice('RABBITMQ_DEFAULT_PASS='.length), services: {} }
}

const runningPasswordsSchema = z.object({
  admin: z.string().min(1),
  services: z.partialRecord(z.enum(BROKER_SERVICES), z.string().min(1)),
})

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
  /** Set when this call generated (or adopted) broker passwords and stored them. */
  stored: 'generated' | 'adopted' | null
}

/** The stored broker passwords of a stack; a missing one is undefined. */
async function storedPasswords(secrets: SecretStore, stack: string) {
  const admin = await secrets.get(brokerSecretName(stack))
  const services: Partial<Record<BrokerService, string>> = {}
  for (const service of BROKER_SERVICES) {
    const password = await secrets.get(serviceSecretName(stack, service))
    if (password !== undefined) services[service] = password
  }
  return { admin, services }
}

/** The credentials as stored, without generating anything; null when one is missing. */
export async function storedCredentials(
  secrets: SecretStore,
  stack: string,
  env: NodeJS.ProcessEnv,
): Promise<StackCredentials | null> {
  const { admin, services } = await storedPasswords(secrets, stack)
  if (admin === undefined || BROKER_SERVICES.some((s) => services[s] === undefined)) return null
  return {
    brokerUser: BROKER_USER,
    brokerPassword: admin,
    servicePasswords: services as Record<BrokerService, string>,
    smtpPassword: await loadSmtpPassword(secrets, env),
  }
}

/**
 * The broker passwords (the administrator's and one per service), generated once per install
 * and stack and kept in the secret store. A stack that already runs (started by another
 * MailDock with its own store, e.g. the app vs the CLI) keeps its passwords: adopting them
 * avoids re-creating every service.
 */
export async function loadCredentials(
  secrets: SecretStore,
  stack: string,
  env: NodeJS.ProcessEnv,
  existing: () => Promise<RunningPasswords | null>,
): Promise<CredentialsResult> {
  const { admin, services } = await storedPasswords(secrets, stack)
  let stored: CredentialsResult['stored'] = null
  let password = admin
  if (password === undefined || BROKER_SERVICES.some((s) => services[s] === undefined)) {
    const adopted = await existing().catch(() => null)
    // Service passwords belong with the admin password they were created with.
    const adoptable = admin === undefined || adopted?.admin === admin ? adopted : null
    stored = adoptable === null ? 'generated' : 'adopted'
    if (password === undefined) {
      password = adoptable?.admin ?? generatePassword()
      await secrets.set(brokerSecretName(stack), password)
    }
    for (const service of BROKER_SERVICES) {
      if (services[service] !== undefined) continue
      services[service] = adoptable?.services[service] ?? generatePassword()
      await secrets.set(serviceSecretName(stack, service), services[service])
    }
  }
  return {
    credentials: {
      brokerUser: BROKER_USER,
      brokerPassword: password,
      servicePasswords: services as Record<BrokerService, string>,
      smtpPassword: await loadSmtpPassword(secrets, env),
    },
    stored,
  }
}
