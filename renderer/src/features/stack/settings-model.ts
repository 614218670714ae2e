import {
  type BrokerQueueType,
  smtpTlsCheck,
  stackSettingsSchema,
  type SettingField,
  type SmtpTlsMode,
  type StackServiceName,
  type StackSettings,
  type StackSettingsPatch,
  type StackSettingsView,
} from '../../../../shared/contract'

/** What the inputs hold: numbers may be '' while the user types. */
export interface SettingsForm {
  images: { broker: string; node: string; catcher: string }
  ports: { api: number | ''; broker: number | ''; brokerUi: number | ''; catcherUi: number | '' }
  /** relay false: deliver to the stack's own mail catcher (host ''). */
  smtp: { relay: boolean; host: string; port: number | ''; user: string; tls: SmtpTlsMode }
  /** A new relay password; '' keeps the stored one. */
  smtpPassword: string
  forgetPassword: boolean
  emailerReplicas: number | ''
  queueType: BrokerQueueType
  healthTimeoutSeconds: number | ''
}

export type FormErrors = Partial<Record<string, string>>

export const portLabels = {
  api: 'API',
  broker: 'Broker (AMQP)',
  brokerUi: 'Broker management UI',
  catcherUi: 'Mail catcher UI',
} as const
export type PortKey = keyof typeof portLabels
export const portKeys = Object.keys(portLabels) as PortKey[]

export function formFromSettings(settings: StackSettings): SettingsForm {
  return {
    images: { ...settings.images },
    ports: { ...settings.ports },
    smtp: { ...settings.smtp, relay: settings.smtp.host !== '', port: settings.smtp.port ?? '' },
    smtpPassword: '',
    forgetPassword: false,
    emailerReplicas: settings.emailerReplicas,
    queueType: settings.queueType,
    healthTimeoutSeconds: settings.healthTimeoutSeconds,
  }
}

const IMAGE_REF = /^[a-z0-9]+([._/:@-][a-z0-9]+|[._-]{2}[a-z0-9]+)*$/i
const HOST = /^(\[[0-9a-f:.]+\]|[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*)$/i

// The ranges are the contract's: the form checks with the same schema main checks with.
const { shape } = stackSettingsSchema
const rules = {
  port: shape.ports.shape.api,
  smtpPort: shape.smtp.shape.port.unwrap(),
  emailerReplicas: shape.emailerReplicas,
  healthTimeoutSeconds: shape.healthTimeoutSeconds,
}
type NumberRule = (typeof rules)[keyof typeof rules]

const fits = (rule: NumberRule, value: number | ''): boolean =>
  value !== '' && rule.safeParse(value).success
const range = (rule: NumberRule): string => `${rule.minValue} to ${rule.maxValue}`

export type NumberRange = { min: number | undefined; max: number | undefined }
const bounds = (rule: NumberRule): NumberRange => ({
  min: rule.minValue ?? undefined,
  max: rule.maxValue ?? undefined,
})
/** The contract's bounds of the number fields, for the inputs' min and max. */
export const numberRanges = {
  port: bounds(rules.port),
  smtpPort: bounds(rules.smtpPort),
  emailerReplicas: bounds(rules.emailerReplicas),
  healthTimeoutSeconds: bounds(rules.healthTimeoutSeconds),
}

/** Every problem that keeps the form from being saved, by dotted field path. */
export function validateForm(form: SettingsForm): FormErrors {
  const errors: FormErrors = {}
  for (const [key, ref] of Object.entries(form.images)) {
    if (ref.trim() === '') errors[`images.${key}`] = 'An image is needed'
    else if (!IMAGE_REF.test(ref.trim()))
      errors[`images.${key}`] = 'Not an image reference (e.g. rabbitmq:3-management)'
  }
  for (const key of portKeys) {
    const port = form.ports[key]
    if (!fits(rules.port, port)) {
      errors[`ports.${key}`] =
        `A port from 1 to ${rules.port.maxValue}, or 0 to let the engine pick`
      continue
    }
    const clash = portKeys.find(
      (other) => other !== key && port !== 0 && form.ports[other] === port,
    )
    if (clash) errors[`ports.${key}`] = `Also used by the ${portLabels[clash]}`
  }
  if (form.smtp.relay) {
    const host = form.smtp.host.trim()
    if (host === '') errors['smtp.host'] = 'A relay needs a host'
    else if (/^[a-z]+:\/\//i.test(host)) errors['smtp.host'] = 'The host name only, without smtp://'
    else if (!HOST.test(host)) errors['smtp.host'] = 'Not a host name or IP address'
    if (form.smtp.port !== '' && !fits(rules.smtpPort, form.smtp.port))
      errors['smtp.port'] = `A port from ${range(rules.smtpPort)}`
    if (form.smtpPassword !== '' && form.smtp.user.trim() === '')
      errors.smtpPassword = 'Set the user name too'
    const { problem } = smtpTlsCheck({ host, user: form.smtp.user, tls: form.smtp.tls })
    if (problem !== null) errors['smtp.tls'] = problem
  }
  if (!fits(rules.emailerReplicas, form.emailerReplicas))
    errors.emailerReplicas = `From ${range(rules.emailerReplicas)}`
  if (!fits(rules.healthTimeoutSeconds, form.healthTimeoutSeconds))
    errors.healthTimeoutSeconds = `From ${range(rules.healthTimeoutSeconds)} seconds`
  return errors
}

/** Advice that does not block saving. */
export function formWarnings(form: SettingsForm, saved: StackSettings): FormErrors {
  const warnings: FormErrors = {}
  if (form.queueType !== saved.queueType)
    warnings.queueType = `The broker starts on its ${form.queueType} volume: emails queued now wait in the ${saved.queueType} one until you switch back`
  for (const key of portKeys) {
    const port = form.ports[key]
    if (typeof port === 'number' && port >= 32_768)
      warnings[`ports.${key}`] =
        'In the range the system hands out to outgoing connections: it may be taken at times'
    else if (typeof port === 'number' && port > 0 && port < 1024)
      warnings[`ports.${key}`] = 'Below 1024: may need privileges on some systems'
  }
  if (form.smtp.relay) {
    const { warning } = smtpTlsCheck(form.smtp)
    if (warning !== null) warnings['smtp.tls'] = warning
  }
  return warnings
}

/** Only what the user changed, as `stack:settings-set` takes it. */
export function patchOf(
  form: SettingsForm,
  settings: StackSettings,
): { patch: StackSettingsPatch; smtpPassword?: string | null } {
  const patch: StackSettingsPatch = {}
  const images: NonNullable<StackSettingsPatch['images']> = {}
  for (const key of ['broker', 'node', 'catcher'] as const) {
    const value = form.images[key].trim()
    if (value !== settings.images[key]) images[key] = value
  }
  if (Object.keys(images).length > 0) patch.images = images
  const ports: NonNullable<StackSettingsPatch['ports']> = {}
  for (const key of portKeys) {
    const value = form.ports[key]
    if (value !== '' && value !== settings.ports[key]) ports[key] = value
  }
  if (Object.keys(ports).length > 0) patch.ports = ports
  const smtp: NonNullable<StackSettingsPatch['smtp']> = {}
  const host = form.smtp.relay ? form.smtp.host.trim() : ''
  const user = form.smtp.user.trim()
  const port = form.smtp.port === '' ? null : form.smtp.port
  if (host !== settings.smtp.host) smtp.host = host
  if (port !== settings.smtp.port) smtp.port = port
  if (user !== settings.smtp.user) smtp.user = user
  if (form.smtp.tls !== settings.smtp.tls) smtp.tls = form.smtp.tls
  if (Object.keys(smtp).length > 0) patch.smtp = smtp
  if (form.emailerReplicas !== '' && form.emailerReplicas !== settings.emailerReplicas)
    patch.emailerReplicas = form.emailerReplicas
  if (form.queueType !== settings.queueType) patch.queueType = form.queueType
  if (
    form.healthTimeoutSeconds !== '' &&
    form.healthTimeoutSeconds !== settings.healthTimeoutSeconds
  )
    patch.healthTimeoutSeconds = form.healthTimeoutSeconds
  if (form.forgetPassword) return { patch, smtpPassword: null }
  if (form.smtpPassword !== '') return { patch, smtpPassword: form.smtpPassword }
  return { patch }
}

export const isEmptyChange = (change: ReturnType<typeof patchOf>): boolean =>
  Object.keys(change.patch).length === 0 && change.smtpPassword === undefined

/**
 * The services `up` re-creates after this change; the others keep running untouched. The
 * Node base image rebuilds the three service images; SMTP settings reach the emailer (and a relay
 * host turns the catcher off or on).
 */
export function affectedServices(
  change: ReturnType<typeof patchOf>,
  settings: StackSettings,
): StackServiceName[] {
  const { patch } = change
  // With the catcher (no relay host), the relay's port, user, TLS and password are not used.
  const relay = (patch.smtp?.host ?? settings.smtp.host) !== ''
  const hit = new Set<StackServiceName>()
  if (patch.images?.broker !== undefined) hit.add('broker')
  if (patch.images?.catcher !== undefined) hit.add('catcher')
  if (patch.images?.node !== undefined)
    for (const s of ['api', 'emailer', 'logger'] as const) hit.add(s)
  if (patch.ports?.api !== undefined) hit.add('api')
  if (patch.ports?.broker !== undefined || patch.ports?.brokerUi !== undefined) hit.add('broker')
  if (patch.ports?.catcherUi !== undefined) hit.add('catcher')
  if (patch.smtp?.host !== undefined) hit.add('catcher').add('emailer')
  if (relay && (patch.smtp !== undefined || change.smtpPassword !== undefined)) hit.add('emailer')
  if (patch.emailerReplicas !== undefined) hit.add('emailer')
  // The broker's definitions and every client declare the queues with their type.
  if (patch.queueType !== undefined)
    for (const s of ['broker', 'api', 'emailer', 'logger'] as const) hit.add(s)
  const order: StackServiceName[] = ['broker', 'catcher', 'api', 'emailer', 'logger']
  return order.filter((s) => hit.has(s))
}

/** The field's source when something outside the form (env, --config) sets it. */
export function overriddenBy(view: StackSettingsView, path: string): SettingField | null {
  const field = view.fields.find((f) => f.path === path)
  return field && (field.source === 'env' || field.source === 'config') ? field : null
}
