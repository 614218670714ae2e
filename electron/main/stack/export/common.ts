import type { StackServiceName } from '../../../../shared/contract'
import type { ImageRef } from '../container-spec'
import type { ServiceSpec, StackDefinition, StackSecret } from '../definition'
import { toYaml, type YamlValue } from '../yaml'

/** Compose substitutes `$NAME`: a literal dollar is written `$$`. */
export const escapeDollars = (value: string): string => value.replaceAll('$', '$$$$')

export interface ExportFile {
  /** Relative to the export's folder. */
  path: string
  content: string
  /** Holds secret values (or the commands that create them): written with mode 0600. */
  secret?: boolean
}

export interface TargetOptions {
  /** Each service's image on this engine (built services without one get a placeholder tag). */
  images: ReadonlyMap<StackServiceName, ImageRef>
  includeSecrets: boolean
  /** Broker nodes: 1 for classic queues, 3 for quorum queues. */
  brokerNodes: number
}

export function imageOf(spec: ServiceSpec, options: Pick<TargetOptions, 'images'>): string {
  return options.images.get(spec.service)?.ref ?? `maildock/${spec.service}:export`
}

/**
 * A service's environment outside MailDock, as in the compose export: no secret files written
 * into containers, so the broker login (the administrator) and the relay password are variables
 * the export replaces with its own secrets.
 */
export const exportedEnv = (spec: ServiceSpec): Record<string, string> => ({
  ...spec.env,
  ...spec.composeEnv,
})

export const brokerUser = (definition: StackDefinition): string => {
  const broker = definition.services.find((spec) => spec.service === 'broker')
  return (
    (broker === undefined ? undefined : exportedEnv(broker).RABBITMQ_DEFAULT_USER) ?? 'maildock'
  )
}

/** A compose duration: `2s`, or `500ms` for a fraction of a second. */
const seconds = (value: number): string =>
  Number.isInteger(value) ? `${value}s` : `${Math.round(value * 1000)}ms`

/** A compose healthcheck from the service's health spec (`$` escaped for compose). */
export function healthcheck(spec: ServiceSpec): { [key: string]: YamlValue } {
  const { health } = spec
  return {
    ...(health.test === null ? {} : { test: health.test.map(escapeDollars) }),
    interval: seconds(health.intervalSeconds),
    timeout: seconds(health.timeoutSeconds),
    retries: health.retries,
    start_period: seconds(health.startPeriodSeconds),
  }
}

const shellQuote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`

/** Sets the secret's variable in a script: its value when asked for, else required from outside. */
export function secretCommand(secret: StackSecret, includeSecrets: boolean): string {
  return includeSecrets
    ? `${secret.variable}=${shellQuote(secret.value)}`
    : `: "\${${secret.variable}:?set ${secret.variable}, the ${secret.description}}"`
}

export const brokerNodesFor = (queueType: 'classic' | 'quorum'): number =>
  queueType === 'quorum' ? 3 : 1

export type Obj = { [key: string]: YamlValue }

export const yamlDocs = (objects: Obj[], header: string[] = []): string =>
  objects.map((object, index) => toYaml(object, index === 0 ? header : [])).join('---\n')

export function kustomization(resources: string[], extra: Obj = {}): string {
  return toYaml({
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    resources,
    ...extra,
  })
}
