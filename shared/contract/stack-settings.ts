import { z } from 'zod'
import { controlCharacterFree } from '../email-rules'
import { MAX_NAME } from './bounds'

// The stack's settings: what the user sets, what the app shows back, and what a change sends.

/** A host port on 127.0.0.1; 0 lets the engine pick a free one. */
const hostPort = z.number().int().min(0).max(65_535)

/**
 * auto: STARTTLS when offered, and required once a user is set (the password never goes in clear
 * text); starttls: required; tls: implicit (465); off: none, refused with a user; insecure: none,
 * even with a user, said explicitly: the password crosses the network in clear text.
 */
export const smtpTlsModes = ['auto', 'starttls', 'tls', 'off', 'insecure'] as const
export const smtpTlsSchema = z.enum(smtpTlsModes)
export type SmtpTlsMode = z.infer<typeof smtpTlsSchema>

const imageRef = z
  .string()
  .min(1)
  .max(MAX_NAME)
  .regex(/^[^\s]+$/, 'must be an image reference without spaces')

/** As shared/messages QUEUE_TYPES (the contract stays free of Node's Buffer). */
export const brokerQueueTypes = ['classic', 'quorum'] as const
export type BrokerQueueType = (typeof brokerQueueTypes)[number]

/** A host name, an IPv4 address or a bracketed IPv6 address; empty for the catcher. */
const smtpHost = z
  .string()
  .max(253)
  .regex(/^[A-Za-z0-9._-]*$|^\[[0-9A-Fa-f:.]+\]$/, {
    error: 'must be a host name or an IP address (letters, digits, ".", "-", "_"), no spaces',
  })

const smtpUser = z
  .string()
  .max(MAX_NAME)
  .refine(controlCharacterFree, { error: 'must not contain line breaks or control characters' })
  .refine((user) => user === user.trim(), { error: 'must not start or end with a space' })

/** An empty password means none: the relay is used without logging in. */
export const smtpPasswordSchema = z
  .string()
  .max(1024)
  .refine(controlCharacterFree, { error: 'must not contain line breaks or control characters' })

/** What a relay's TLS mode means for its password: a problem (up refuses it) or a warning. */
export function smtpTlsCheck(smtp: { host: string; user: string; tls: SmtpTlsMode }): {
  problem: string | null
  warning: string | null
} {
  const withUser = smtp.host.trim() !== '' && smtp.user.trim() !== ''
  if (withUser && smtp.tls === 'off') {
    return {
      problem:
        'TLS off with a relay user would send the password in clear text: choose auto, starttls or tls, or "insecure" to allow it explicitly',
      warning: null,
    }
  }
  if (withUser && smtp.tls === 'insecure') {
    return {
      problem: null,
      warning: `TLS is off (insecure): the password of ${smtp.user} is sent to ${smtp.host} in clear text`,
    }
  }
  return { problem: null, warning: null }
}

export const stackSettingsSchema = z
  .object({
    /** Prefix of every container, network and volume; label `maildock.stack=<name>`. */
    stackName: z
      .string()
      .max(40)
      .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'must be 1-40 of a-z, 0-9, "_" or "-"'),
    images: z
      .object({
        broker: imageRef,
        /** Base image of the api, emailer and logger images. */
        node: imageRef,
        /** Any image that speaks SMTP on 1025 and serves a UI on 8025, as Mailpit does. */
        catcher: imageRef,
      })
      .strict(),
    ports: z
      .object({ api: hostPort, broker: hostPort, brokerUi: hostPort, catcherUi: hostPort })
      .strict(),
    smtp: z
      .object({
        /** Empty: deliver to the stack's own mail catcher. Else a real relay. */
        host: smtpHost,
        /** null: 465 for implicit TLS, else 587 (a relay) or 1025 (the catcher). */
        port: z.number().int().min(1).max(65_535).nullable(),
        user: smtpUser,
        tls: smtpTlsSchema,
      })
      .strict(),
    emailerReplicas: z.number().int().min(0).max(20),
    /** classic: one broker (today). quorum: queues replicated over a broker cluster. */
    queueType: z.enum(brokerQueueTypes).default('classic'),
    /** How long a service may take to become healthy before `up` fails. */
    healthTimeoutSeconds: z.number().int().min(1).max(3_600),
  })
  .strict()
export type StackSettings = z.infer<typeof stackSettingsSchema>

/** What `stack:settings-set` takes: any subset; nested groups may be partial too. */
export const stackSettingsPatchSchema = z
  .object({
    stackName: stackSettingsSchema.shape.stackName,
    images: stackSettingsSchema.shape.images.partial(),
    ports: stackSettingsSchema.shape.ports.partial(),
    smtp: stackSettingsSchema.shape.smtp.partial(),
    emailerReplicas: stackSettingsSchema.shape.emailerReplicas,
    queueType: z.enum(brokerQueueTypes),
    healthTimeoutSeconds: stackSettingsSchema.shape.healthTimeoutSeconds,
  })
  .partial()
  .strict()
export type StackSettingsPatch = z.infer<typeof stackSettingsPatchSchema>

export const settingSources = ['default', 'file', 'config', 'env'] as const
export const settingSourceSchema = z.enum(settingSources)
export type SettingSource = z.infer<typeof settingSourceSchema>

export const settingFieldSchema = z.object({
  /** Dotted path, e.g. `ports.api`. */
  path: z.string(),
  /** The layer the value in force comes from (env and config override the settings form). */
  source: settingSourceSchema,
  /** The environment variable that sets it, e.g. MAILDOCK_API_PORT. */
  env: z.string(),
})
export type SettingField = z.infer<typeof settingFieldSchema>

export const secretStoreInfoSchema = z.object({
  kind: z.enum(['os-encryption', 'file', 'memory']),
  /** Where the secrets are kept (a file path, or a description). */
  location: z.string(),
  encrypted: z.boolean(),
  /** One sentence for the user, e.g. "stored unencrypted in a file only you can read". */
  note: z.string(),
})
export type SecretStoreInfo = z.infer<typeof secretStoreInfoSchema>

export const stackSettingsViewSchema = z.object({
  settings: stackSettingsSchema,
  fields: z.array(settingFieldSchema),
  smtpPasswordSet: z.boolean(),
  /** Where the settings form saves to, and the --config file if any. */
  files: z.object({ settings: z.string(), config: z.string().nullable() }),
  secrets: secretStoreInfoSchema,
  /** Problems in a layer that was skipped (a bad env value, an unreadable file). */
  problems: z.array(z.string()),
})
export type StackSettingsView = z.infer<typeof stackSettingsViewSchema>

export const stackSettingsSetInput = z
  .object({
    patch: stackSettingsPatchSchema.default({}),
    /** A new SMTP password (kept as a secret); null forgets it. */
    smtpPassword: smtpPasswordSchema.nullable().optional(),
  })
  .strict()
