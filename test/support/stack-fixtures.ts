import type { StackSettings } from '../../shared/contract'
import { DEFAULT_STACK_SETTINGS } from '../../electron/main/settings/setting-fields'
import type { ImageRef } from '../../electron/main/stack/container-spec'
import {
  defineStack,
  type StackCredentials,
  type StackDefinition,
} from '../../electron/main/stack/definition'
import type { ObservedContainer } from '../../electron/main/stack/observe'

export const CREDENTIALS: StackCredentials = {
  brokerUser: 'maildock',
  brokerPassword: 'Secr3tPassw0rdXyz',
  servicePasswords: {
    api: 'ApiPassw0rdAbc',
    emailer: 'EmailerPassw0rdDef',
    logger: 'LoggerPassw0rdGhi',
  },
  smtpPassword: null,
}

export function settingsWith(change: (s: StackSettings) => void = () => undefined): StackSettings {
  const settings = structuredClone(DEFAULT_STACK_SETTINGS)
  change(settings)
  return settings
}

export function definitionWith(
  change: (s: StackSettings) => void = () => undefined,
  credentials: StackCredentials = CREDENTIALS,
): StackDefinition {
  return defineStack(settingsWith(change), credentials)
}

export const IMAGES: ReadonlyMap<string, ImageRef> = new Map([
  ['broker', { ref: 'rabbitmq:3-management', id: 'sha256:broker' }],
  ['api', { ref: 'maildock/api:aaa', id: 'sha256:api' }],
  ['emailer', { ref: 'maildock/emailer:bbb', id: 'sha256:emailer' }],
  ['logger', { ref: 'maildock/logger:ccc', id: 'sha256:logger' }],
  ['catcher', { ref: 'axllent/mailpit', id: 'sha256:catcher' }],
])

export function image(service: string): ImageRef {
  const found = IMAGES.get(service)
  if (found === undefined) throw new Error(`no test image for ${service}`)
  return found
}

export function container(
  service: string,
  replica: number,
  hash: string,
  change: Partial<ObservedContainer> = {},
): ObservedContainer {
  return {
    id: `${service}-${replica}-${hash}`,
    name: `maildock-${service}-${replica}`,
    service,
    replica,
    configHash: hash,
    state: 'running',
    health: 'healthy',
    created: 1_000,
    image: `img-${service}`,
    ports: [],
    ...change,
  }
}
